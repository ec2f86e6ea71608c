/**
 * The backend × family × operator matrix, as text for a terminal, Markdown and JSON.
 */
import { type ScenarioReport, type Status, precisionOf, toleranceOf } from './runner.js';
import { type BackendEntry, families, operators } from './types.js';

export interface Counts {
  pass: number;
  fail: number;
  unsupported: number;
}

export interface BackendSummary {
  readonly name: string;
  readonly precision: 'float64' | 'float32';
  readonly tolerance: { readonly firstOrder: number; readonly secondOrder: number };
  readonly capabilities: readonly string[];
  readonly counts: Counts;
}

/** An adapter of the repository that is not in the matrix, and why. */
export interface Absent {
  readonly name: string;
  readonly reason: string;
}

export interface Report {
  readonly backends: readonly BackendSummary[];
  readonly absent: readonly Absent[];
  readonly results: readonly ScenarioReport[];
}

export function buildReport(
  entries: readonly BackendEntry[],
  absent: readonly Absent[],
  results: readonly ScenarioReport[],
): Report {
  return {
    backends: entries.map((e) => ({
      name: e.name,
      precision: precisionOf(e.backend),
      tolerance: toleranceOf(e),
      capabilities: e.capabilities ?? [],
      counts: count(results.filter((r) => r.backend === e.name)),
    })),
    absent,
    results,
  };
}

export function failed(report: Report): boolean {
  return report.results.some((r) => r.status === 'fail');
}

function count(results: readonly ScenarioReport[]): Counts {
  const c: Counts = { pass: 0, fail: 0, unsupported: 0 };
  for (const r of results) c[r.status]++;
  return c;
}

const marks: { readonly [S in Status]: string } = { pass: '✓', fail: '✗', unsupported: '–' };

function cell(c: Counts): string {
  const parts = (['pass', 'fail', 'unsupported'] as const)
    .filter((s) => c[s] > 0)
    .map((s) => `${c[s]}${marks[s]}`);
  return parts.join(' ') || '·';
}

/** Rows of the matrix: each family's operators that have scenarios, then the totals. */
function rows(report: Report): { family: string; operator: string; cells: string[] }[] {
  const out: { family: string; operator: string; cells: string[] }[] = [];
  const cellsFor = (pick: (r: ScenarioReport) => boolean) =>
    report.backends.map((b) => cell(count(report.results.filter((r) => r.backend === b.name && pick(r)))));
  for (const family of families) {
    for (const operator of operators) {
      if (!report.results.some((r) => r.family === family && r.operator === operator)) continue;
      out.push({ family, operator, cells: cellsFor((r) => r.family === family && r.operator === operator) });
    }
  }
  out.push({ family: 'all', operator: '', cells: report.backends.map((b) => cell(b.counts)) });
  return out;
}

const legend = '✓ pass, ✗ fail, – unsupported (the backend raised its typed error); counts are scenarios.';

export function formatText(report: Report): string {
  const header = ['family', 'operator', ...report.backends.map((b) => b.name)];
  const body = rows(report).map((r) => [r.family, r.operator, ...r.cells]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  const lines = [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line), '', legend];
  for (const a of report.absent) lines.push(`not in the matrix: ${a.name} (${a.reason})`);
  const failures = report.results.filter((r) => r.status === 'fail');
  if (failures.length > 0) {
    lines.push('', `${failures.length} failure(s):`);
    for (const f of failures) lines.push(`  ✗ ${f.backend}  ${f.scenario}  ${f.message}`);
  }
  return lines.join('\n');
}

export function formatMarkdown(report: Report): string {
  const header = ['family', 'operator', ...report.backends.map((b) => `\`${b.name}\``)];
  const table = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => ' --- ').join('|')}|`,
    ...rows(report).map((r) => `| ${[r.family, r.operator, ...r.cells].join(' | ')} |`),
  ];
  const backends = [
    '| backend | precision | tolerance (1st / 2nd order) | capabilities | pass | fail | unsupported |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...report.backends.map(
      (b) =>
        `| \`${b.name}\` | ${b.precision} | ${b.tolerance.firstOrder.toExponential()} / ${b.tolerance.secondOrder.toExponential()} | ` +
        `${b.capabilities.join(', ') || '—'} | ${b.counts.pass} | ${b.counts.fail} | ${b.counts.unsupported} |`,
    ),
  ];
  const listed = (status: Status) =>
    report.results
      .filter((r) => r.status === status)
      .map((r) => `- \`${r.backend}\` · \`${r.scenario}\`: ${tableCell(r.message ?? '')}`);
  const sections = [
    '# Conformance report',
    '',
    'Every scenario of `@diffint/conformance` on every adapter of the repository, each operator called',
    'one-shot, prepared (twice), with its `valueAnd…` and `…Into` forms, and its inputs checked intact.',
    'Tolerances are relative to max(1, largest magnitude of the reference).',
    '',
    ...table,
    '',
    legend,
    '',
    '## Backends',
    '',
    ...backends,
  ];
  if (report.absent.length > 0) {
    sections.push(
      '',
      '## Not in the matrix',
      '',
      ...report.absent.map((a) => `- \`${a.name}\`: ${a.reason}`),
    );
  }
  const failures = listed('fail');
  sections.push('', '## Failures', '', ...(failures.length > 0 ? failures : ['None.']));
  const unsupported = listed('unsupported');
  if (unsupported.length > 0) sections.push('', '## Unsupported', '', ...unsupported);
  return `${sections.join('\n')}\n`;
}

/** The report as JSON: every scenario's status and largest error; the forms of the calls only where one did not pass. */
export function formatJson(report: Report): string {
  const results = report.results.map((r) => {
    const errors = r.variants.map((v) => v.relativeError ?? 0);
    return {
      backend: r.backend,
      scenario: r.scenario,
      family: r.family,
      operator: r.operator,
      tags: r.tags,
      status: r.status,
      ...(r.message === undefined ? {} : { message: r.message }),
      maxRelativeError: Math.max(0, ...errors),
      ...(r.status === 'pass' ? {} : { variants: r.variants }),
    };
  });
  // One result per line: readable, and a change to one scenario is a one-line diff.
  return [
    '{',
    ` "backends": ${JSON.stringify(report.backends)},`,
    ` "absent": ${JSON.stringify(report.absent)},`,
    ' "results": [',
    results.map((r) => `  ${JSON.stringify(r)}`).join(',\n'),
    ' ]',
    '}',
    '',
  ].join('\n');
}

function tableCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}
