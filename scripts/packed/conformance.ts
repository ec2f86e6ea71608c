/**
 * `@diffint/conformance` as its README promises, in a project without vitest: `runBackend` runs
 * every scenario against the tape, and `buildReport`, `failed` and the formatters report it.
 * Exits non-zero if vitest is installed here (the check would prove nothing), if a scenario
 * fails, or if the report does not count every scenario.
 */
import { createRequire } from 'node:module';
import { buildReport, failed, formatHtml, formatMarkdown, runBackend, scenarios } from '@diffint/conformance';
import { tape } from '@diffint/tape';

const require = createRequire(import.meta.url);
let vitestInstalled = true;
try {
  require.resolve('vitest');
} catch {
  vitestInstalled = false;
}
if (vitestInstalled) {
  console.error('FAIL vitest is installed in this project: the conformance check must run without it');
  process.exit(1);
}

const entry = { name: 'tape', backend: tape() };
const results = runBackend(entry);
const report = buildReport([entry], [], results);
const counts = report.backends[0]!.counts;
const problems: string[] = [];
if (results.length !== scenarios.length)
  problems.push(`${results.length} results for ${scenarios.length} scenarios`);
if (counts.pass + counts.fail + counts.unsupported !== scenarios.length)
  problems.push('the counts miss scenarios');
if (failed(report)) {
  for (const r of results.filter((r) => r.status === 'fail')) problems.push(`${r.scenario}: ${r.message}`);
}
if (!formatMarkdown(report).startsWith('# Conformance report')) problems.push('no Markdown report');
if (!formatHtml(report).startsWith('<!doctype html>')) problems.push('no HTML report');
for (const p of problems) console.log(`FAIL ${p}`);
console.log(
  `${problems.length === 0 ? 'ok  ' : 'FAIL'} @diffint/conformance without vitest: runBackend(tape) ` +
    `${counts.pass} passed, ${counts.fail} failed, ${counts.unsupported} unsupported of ${scenarios.length}`,
);
if (problems.length > 0) process.exit(1);
