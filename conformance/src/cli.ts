/**
 * `pnpm conformance`: every adapter of the repository against every scenario. Prints the
 * backend × family × operator matrix, writes report.md and report.json next to this package's
 * package.json, and exits non-zero on any failure, or when an adapter fails to load.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { adapters } from './backends.js';
import { type Absent, buildReport, failed, formatJson, formatMarkdown, formatText } from './report.js';
import { type ScenarioReport, runBackend } from './runner.js';
import type { BackendEntry } from './types.js';

const entries: BackendEntry[] = [];
const absent: Absent[] = [];
const results: ScenarioReport[] = [];

// One adapter at a time: loading one may change process-wide state (the TensorFlow.js backend).
for (const adapter of adapters) {
  const loaded = await adapter.load();
  if ('absent' in loaded) {
    absent.push({ name: adapter.name, reason: loaded.absent });
    process.stderr.write(`${adapter.name}: not in the matrix (${loaded.absent})\n`);
    continue;
  }
  const started = performance.now();
  entries.push(loaded.entry);
  results.push(...runBackend(loaded.entry));
  process.stderr.write(`${adapter.name}: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

const report = buildReport(entries, absent, results);
const here = (file: string) => fileURLToPath(new URL(`../${file}`, import.meta.url));
writeFileSync(here('report.md'), formatMarkdown(report));
writeFileSync(here('report.json'), formatJson(report));
process.stdout.write(`${formatText(report)}\n`);
// Every adapter of the repository is a workspace package: one that fails to load is broken, not
// absent, and must fail the run rather than leave a green matrix without its column.
if (absent.length > 0) {
  process.stderr.write(`failed to load: ${absent.map((a) => a.name).join(', ')}\n`);
}
process.exitCode = failed(report) || entries.length === 0 || absent.length > 0 ? 1 : 0;
