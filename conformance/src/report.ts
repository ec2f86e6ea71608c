/**
 * The backend × family × operator matrix, as text for a terminal, Markdown, JSON and HTML.
 */
import { type ScenarioReport, type Status, precisionOf, toleranceOf } from './runner.js';
import { type BackendEntry, families, operators } from './types.js';

/** How many scenarios passed, failed, or were declined by the backend with its typed error. */
export interface Counts {
  pass: number;
  fail: number;
  unsupported: number;
}

/** One column of the matrix: a backend, how it was judged, and its totals. */
export interface BackendSummary {
  /** The column's name (`BackendEntry.name`). */
  readonly name: string;
  /** The float type it computes in (a pair: its less precise engine's). */
  readonly precision: 'float64' | 'float32';
  /** The tolerances it was judged with. */
  readonly tolerance: { readonly firstOrder: number; readonly secondOrder: number };
  /** The capabilities its entry declared. */
  readonly capabilities: readonly string[];
  /** Its scenarios by status. */
  readonly counts: Counts;
}

/** An adapter of the repository that is not in the matrix, and why. */
export interface Absent {
  /** The adapter's name. */
  readonly name: string;
  /** Why it is not in the matrix (it did not load, or does not export its factory). */
  readonly reason: string;
}

/** A run of the suite on several backends: what `formatText`, `formatMarkdown`, `formatJson` and `formatHtml` print. */
export interface Report {
  /** The columns, in the order of the entries. */
  readonly backends: readonly BackendSummary[];
  /** The adapters left out of the matrix, and why. */
  readonly absent: readonly Absent[];
  /** Every scenario's report on every backend. */
  readonly results: readonly ScenarioReport[];
}

/**
 * The report of a run: the backends that ran (`entries`, as given to `runBackend`), those left
 * out (`absent`, may be empty), and the scenario reports of all of them together.
 *
 * ```ts
 * const entry = { name: 'tape', backend: tape() };
 * const report = buildReport([entry], [], runBackend(entry));
 * if (failed(report)) console.log(formatText(report));
 * ```
 */
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

/** True when any scenario of the report failed on any backend (an unsupported one is not a failure). */
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

interface Row {
  readonly family: string;
  readonly operator: string;
  /** One per backend. */
  readonly counts: Counts[];
  readonly cells: string[];
}

/** Rows of the matrix: each family's operators that have scenarios, then the totals. */
function rows(report: Report): Row[] {
  const out: Row[] = [];
  const row = (family: string, operator: string, counts: Counts[]): Row => ({
    family,
    operator,
    counts,
    cells: counts.map(cell),
  });
  const countsFor = (pick: (r: ScenarioReport) => boolean) =>
    report.backends.map((b) => count(report.results.filter((r) => r.backend === b.name && pick(r))));
  for (const family of families) {
    for (const operator of operators) {
      if (!report.results.some((r) => r.family === family && r.operator === operator)) continue;
      out.push(
        row(
          family,
          operator,
          countsFor((r) => r.family === family && r.operator === operator),
        ),
      );
    }
  }
  out.push(
    row(
      'all',
      '',
      report.backends.map((b) => b.counts),
    ),
  );
  return out;
}

const legend = '✓ pass, ✗ fail, – unsupported (the backend raised its typed error); counts are scenarios.';

/** The matrix as aligned text for a terminal, then the absent adapters and one line per failure. */
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

/** The matrix, the backends' tolerances and totals, and every failure and unsupported scenario, as Markdown. */
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

/** The outcome a cell is coloured by: any failure, all passed, all unsupported, or some of each of the last two. */
function outcomeOf(c: Counts): 'fail' | 'pass' | 'unsupported' | 'partial' | 'empty' {
  if (c.fail > 0) return 'fail';
  if (c.pass > 0 && c.unsupported > 0) return 'partial';
  if (c.pass > 0) return 'pass';
  return c.unsupported > 0 ? 'unsupported' : 'empty';
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const style = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #1b1b1b; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
th { white-space: nowrap; }
td.cell { text-align: center; font-variant-numeric: tabular-nums; }
.pass { background: #d4f4d2; }
.fail { background: #f9c9c4; font-weight: bold; }
.unsupported { background: #e4e4e4; color: #555; }
.partial { background: #eef6c8; }
.empty { color: #999; }
tr.total td, tr.total th { border-top: 2px solid #888; font-weight: bold; }
details { margin: 0.4em 0; }
summary { cursor: pointer; }
code { font-family: ui-monospace, monospace; }
li.fail, li.unsupported, li.pass { list-style: none; padding: 0.1em 0.4em; margin: 0.1em 0; }
`;

/**
 * The report as one self-contained HTML page: the matrix with each cell coloured by outcome
 * (red: a failure; green: all passed; grey: all unsupported; pale green: some unsupported), the
 * backends' tolerances and totals, the absent adapters, for each failing scenario the status
 * and message of every form of its call, and one line per unsupported scenario.
 */
export function formatHtml(report: Report): string {
  const e = escapeHtml;
  const header = ['family', 'operator', ...report.backends.map((b) => b.name)];
  const matrix = [
    '<table class="matrix">',
    `<thead><tr>${header.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...rows(report).map((r) => {
      const cells = r.counts
        .map((c, i) => `<td class="cell ${outcomeOf(c)}">${e(r.cells[i]!)}</td>`)
        .join('');
      const cls = r.family === 'all' ? ' class="total"' : '';
      return `<tr${cls}><th>${e(r.family)}</th><th>${e(r.operator)}</th>${cells}</tr>`;
    }),
    '</tbody>',
    '</table>',
  ];
  const backends = [
    '<table class="backends">',
    '<thead><tr><th>backend</th><th>precision</th><th>tolerance (1st / 2nd order)</th><th>capabilities</th><th>pass</th><th>fail</th><th>unsupported</th></tr></thead>',
    '<tbody>',
    ...report.backends.map(
      (b) =>
        `<tr><th><code>${e(b.name)}</code></th><td>${b.precision}</td>` +
        `<td>${b.tolerance.firstOrder.toExponential()} / ${b.tolerance.secondOrder.toExponential()}</td>` +
        `<td>${e(b.capabilities.join(', ') || '—')}</td><td>${b.counts.pass}</td>` +
        `<td class="${b.counts.fail > 0 ? 'fail' : ''}">${b.counts.fail}</td><td>${b.counts.unsupported}</td></tr>`,
    ),
    '</tbody>',
    '</table>',
  ];
  const details = (r: ScenarioReport) =>
    [
      `<details class="${r.status}" open>`,
      `<summary><code>${e(r.backend)}</code> · <code>${e(r.scenario)}</code> <span class="${r.status}">${r.status}</span>: ${e(r.message ?? '')}</summary>`,
      `<p>family <code>${e(r.family)}</code>, operator <code>${e(r.operator)}</code>${r.tags.length > 0 ? `, tags ${r.tags.map((t) => `<code>${e(t)}</code>`).join(' ')}` : ''}</p>`,
      '<ul>',
      ...r.variants.map(
        (v) =>
          `<li class="${v.status}">${marks[v.status]} <code>${e(v.variant)}</code>${v.message === undefined ? '' : `: ${e(v.message)}`}</li>`,
      ),
      '</ul>',
      '</details>',
    ].join('\n');
  const failures = report.results.filter((r) => r.status === 'fail');
  const unsupported = report.results.filter((r) => r.status === 'unsupported');
  const body = [
    '<h1>Conformance report</h1>',
    '<p>Every scenario of <code>@diffint/conformance</code> on every backend, each operator called one-shot, prepared (twice), with its <code>valueAnd…</code> and <code>…Into</code> forms, and its inputs checked intact. Tolerances are relative to max(1, largest magnitude of the reference).</p>',
    ...matrix,
    `<p>${e(legend)} Colours: <span class="pass">all passed</span>, <span class="fail">a failure</span>, <span class="unsupported">all unsupported</span>, <span class="partial">passed or unsupported</span>.</p>`,
    '<h2>Backends</h2>',
    ...backends,
  ];
  if (report.absent.length > 0) {
    body.push(
      '<h2>Not in the matrix</h2>',
      '<ul>',
      ...report.absent.map((a) => `<li><code>${e(a.name)}</code>: ${e(a.reason)}</li>`),
      '</ul>',
    );
  }
  body.push(`<h2 id="failures">Failures (${failures.length})</h2>`);
  body.push(...(failures.length > 0 ? failures.map(details) : ['<p>None.</p>']));
  if (unsupported.length > 0) {
    body.push(
      `<h2 id="unsupported">Unsupported (${unsupported.length})</h2>`,
      '<ul>',
      ...unsupported.map(
        (r) =>
          `<li class="unsupported"><code>${e(r.backend)}</code> · <code>${e(r.scenario)}</code>: ${e(r.message ?? '')}</li>`,
      ),
      '</ul>',
    );
  }
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<title>diffint conformance report</title>',
    `<style>${style}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
