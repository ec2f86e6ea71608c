/**
 * `pnpm bench`: every scenario at every size, every backend and operator, timed in one run and
 * reported as ratios. Writes the table to stdout, results/latest.json, results/ratios.svg and the
 * table section of the README.
 *
 * `pnpm bench:smoke` (CI): every scenario at a tiny size with a few iterations, writing only to a
 * temporary directory. Exits non-zero if a row fails or gives a wrong derivative.
 *
 * Options: --smoke, --only=<scenario>[,<scenario>…], --out=<dir>, --sizes=full|smoke (the sizes to
 * run, by default those of the mode: `--smoke --sizes=full` checks that every size runs, quickly),
 * --backends=<backend>[,<backend>…] (only those rows, e.g. tape,forward-over-tape,jax-js/wasm),
 * --render (rewrite the chart and the README section from results/latest.json, measuring nothing).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chart } from './chart.js';
import { loadEngines } from './engines.js';
import { type Machine, describeMachine } from './machine.js';
import { fullTiming, smokeTiming } from './measure.js';
import { markdownReport } from './markdown.js';
import { type CaseResult, runCase } from './runCase.js';
import { scenarios } from './scenarios/index.js';
import { textTable } from './table.js';
import { startProgress } from './progress.js';
import { checkTargets, targetLines } from './targets.js';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const only = option('only')?.split(',');
const backends = option('backends')?.split(',');
const sizes = option('sizes') ?? (smoke ? 'smoke' : 'full');
const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Only a full run of every scenario replaces the committed results; others go to a temporary directory. */
const complete = !smoke && only === undefined && backends === undefined && sizes === 'full';
const outDir =
  option('out') ??
  (complete
    ? path.join(benchDir, 'results')
    : path.join(os.tmpdir(), smoke ? 'diffint-bench-smoke' : 'diffint-bench-partial'));

const log = (line: string) => process.stderr.write(`${line}\n`);

/** `--render`: rewrites the targets, the chart and the README section from results/latest.json, measuring nothing. */
async function render(): Promise<number> {
  const dir = path.join(benchDir, 'results');
  const json = JSON.parse(readFileSync(path.join(dir, 'latest.json'), 'utf8')) as {
    machine: Machine;
    smoke: boolean;
    notes: string[];
    results: CaseResult[];
  };
  const targets = checkTargets(json.results, json.smoke);
  writeFileSync(path.join(dir, 'latest.json'), `${JSON.stringify({ ...json, targets }, null, 2)}\n`);
  writeFileSync(path.join(dir, 'ratios.svg'), await chart(json.results, scenarios));
  updateReadme(markdownReport(json.results, json.machine, targets, json.notes));
  log(`rendered ${dir}/ratios.svg and the README section from ${dir}/latest.json`);
  return 0;
}

async function main(): Promise<number> {
  const machine = describeMachine();
  const engines = await loadEngines();
  for (const n of engines.notes) log(`note: ${n}`);
  const cfg = smoke ? smokeTiming : fullTiming;
  const results: CaseResult[] = [];
  const chosen = scenarios.filter((s) => !only || only.includes(s.name));
  const sizesOf = (s: (typeof scenarios)[number]) => (sizes === 'smoke' ? s.sizes.smoke : s.sizes.full);
  const progress = startProgress(chosen.reduce((n, s) => n + sizesOf(s).length, 0));
  try {
    for (const s of chosen) {
      for (const size of sizesOf(s)) {
        progress.startCase(`${s.name} at ${size}`);
        const built = await s.build(size, engines);
        const c = backends
          ? { ...built, variants: built.variants.filter((v) => backends.includes(v.backend)) }
          : built;
        const r = await runCase(c, cfg, progress.step);
        results.push(r);
        progress.print(`\n${textTable(r)}\n`);
      }
    }
  } finally {
    progress.stop();
  }
  const targets = checkTargets(results, smoke);
  process.stdout.write(`\n${targetLines(targets).join('\n')}\n`);

  mkdirSync(outDir, { recursive: true });
  const json = { machine, smoke, timing: cfg, notes: engines.notes, targets, results };
  writeFileSync(path.join(outDir, 'latest.json'), `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(path.join(outDir, 'ratios.svg'), await chart(results, scenarios));
  const report = markdownReport(results, machine, targets, engines.notes);
  if (complete && option('out') === undefined) updateReadme(report);
  else writeFileSync(path.join(outDir, 'latest.md'), report);
  log(
    `\nwrote ${outDir}/latest.json and ratios.svg${complete ? '' : ' (partial or smoke run: bench/results untouched)'}`,
  );

  const bad = results.flatMap((r) =>
    r.rows.filter((row) => row.status === 'failed' || row.status === 'wrong'),
  );
  for (const b of bad) log(`FAILED: ${b.backend} ${b.operator} ${b.mode}: ${b.message}`);
  return bad.length === 0 ? 0 : 1;
}

/** Replaces the README's generated section (between its markers) with the new tables. */
function updateReadme(report: string): void {
  const file = path.join(benchDir, 'README.md');
  const start = '<!-- results:start -->';
  const end = '<!-- results:end -->';
  const text = readFileSync(file, 'utf8');
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) {
    log(`README.md has no ${start} … ${end} section: the tables were not written into it.`);
    return;
  }
  writeFileSync(file, `${text.slice(0, i + start.length)}\n${report}\n${text.slice(j)}`);
}

(args.includes('--render') ? render() : main()).then(
  (code) => process.exit(code),
  (e) => {
    log((e as Error).stack ?? String(e));
    process.exit(1);
  },
);
