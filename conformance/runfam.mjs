import { adapters } from '/work/wt/suite/conformance/dist/backends.js';
import { runBackend } from '/work/wt/suite/conformance/dist/runner.js';
import { scenarios } from '/work/wt/suite/conformance/dist/scenarios/index.js';
const fams = (process.argv[2] ?? 'kinks,contract').split(',');
const only = process.argv[3]?.split(',');
const sel = scenarios.filter((s) => fams.includes(s.family));
for (const a of adapters) {
  if (only && !only.includes(a.name)) continue;
  const l = await a.load();
  if ('absent' in l) { console.log(a.name, 'ABSENT', l.absent); continue; }
  const t = performance.now();
  const r = runBackend(l.entry, sel);
  const bad = r.filter((x) => x.status !== 'pass');
  console.log(`== ${a.name}: ${r.length - bad.length}/${r.length} pass (${((performance.now()-t)/1000).toFixed(1)}s)`);
  for (const b of bad) console.log(`  ${b.status} ${b.scenario}: ${(b.message ?? '').slice(0, 220)}`);
}
