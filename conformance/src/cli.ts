/**
 * `pnpm conformance`: every adapter of the repository against every scenario. Shows each
 * engine's progress on a terminal (nothing but one line per engine otherwise), prints the
 * backend × family × operator matrix, writes report.md, report.json and report.html next to
 * this package's package.json, and exits non-zero on any failure, when an adapter fails to
 * load, or when one that implements every operator (the tape) declines a scenario. (The repository's command: it is no entry point of the package.)
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { adapters } from './backends.js';
import { startProgress } from './progress.js';
import {
  type Absent,
  buildReport,
  failed,
  formatHtml,
  formatJson,
  formatMarkdown,
  formatText,
} from './report.js';
import { type ScenarioReport, runScenario } from './runner.js';
import { scenarios } from './scenarios/index.js';
import type { BackendEntry } from './types.js';

const entries: BackendEntry[] = [];
const absent: Absent[] = [];
const results: ScenarioReport[] = [];
const progress = startProgress(adapters.map((a) => a.name));

// One adapter at a time: loading one may change process-wide state (the TensorFlow.js backend).
for (const adapter of adapters) {
  const loaded = await adapter.load();
  if ('absent' in loaded) {
    absent.push({ name: adapter.name, reason: loaded.absent });
    progress.start(adapter.name, 0);
    progress.done(`not in the matrix (${loaded.absent})`);
    continue;
  }
  const started = performance.now();
  entries.push(loaded.entry);
  progress.start(adapter.name, scenarios.length);
  for (const s of scenarios) {
    results.push(runScenario(loaded.entry, s));
    progress.tick();
  }
  progress.done(`${((performance.now() - started) / 1000).toFixed(1)} s`);
}
progress.stop();

const report = buildReport(entries, absent, results);
const here = (file: string) => fileURLToPath(new URL(`../${file}`, import.meta.url));
writeFileSync(here('report.md'), formatMarkdown(report));
writeFileSync(here('report.json'), formatJson(report));
writeFileSync(here('report.html'), formatHtml(report));
process.stdout.write(`${formatText(report)}\n`);
// An adapter that implements every operator must not decline a scenario.
const complete = new Set(adapters.filter((a) => a.complete).map((a) => a.name));
const declined = results.filter((r) => r.status === 'unsupported' && complete.has(r.backend));
for (const r of declined) {
  process.stderr.write(`✗ ${r.backend} implements every operator but declined ${r.scenario}: ${r.message}\n`);
}
// Every adapter of the repository is a workspace package: one that fails to load is broken, not
// absent, and must fail the run rather than leave a green matrix without its column.
if (absent.length > 0) {
  process.stderr.write(`failed to load: ${absent.map((a) => a.name).join(', ')}\n`);
}
process.exitCode = failed(report) || entries.length === 0 || absent.length > 0 || declined.length > 0 ? 1 : 0;
