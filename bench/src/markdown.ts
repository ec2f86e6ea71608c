/** The generated section of the README: machine, targets, where diffint is slower, every table. */
import { ratio, sizeLabel } from './format.js';
import type { Machine } from './machine.js';
import type { CaseResult, Row } from './runCase.js';
import { markdownTable } from './table.js';
import type { Target } from './targets.js';

function machineLines(m: Machine): string[] {
  const versions = Object.entries(m.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `Measured ${m.date.slice(0, 10)} on ${m.cpu} (${m.cores} cores, ${m.memoryGB} GB), ${m.platform}, Node ${m.node}` +
      `${m.commit ? `, commit ${m.commit}` : ''}; load average ${m.loadAverage} at the start. ${versions}.`,
  ];
}

function targetTable(targets: readonly Target[]): string[] {
  return [
    '| target | wanted | measured | verdict | detail |',
    '| :-- | :-- | --: | :-- | :-- |',
    ...targets.map(
      (t) =>
        `| ${t.name} | ${t.target} | ${t.measured === null ? '—' : ratio(t.measured)} | ${
          t.met === null ? 'not measured' : t.met ? 'met' : '**missed**'
        } | ${t.detail} |`,
    ),
  ];
}

/**
 * The comparisons with the engines' own APIs, one line per case: the adapter over raw tf on each
 * TensorFlow.js backend, and the native reverse-mode rows (tape, and second order over it) over
 * jax-js. Forward mode and finite differences compute gradients by O(n) passes, a different
 * algorithm, so their ratio to jax-js is left to the full tables.
 */
function againstOwnApis(results: readonly CaseResult[]): string[] {
  const columns: { title: string; backend: string; value: (r: Row) => number | undefined }[] = [];
  for (const c of results) {
    for (const r of c.rows) {
      if (r.mode !== 'prepared') continue;
      const measure =
        r.perRaw !== undefined
          ? 'raw tf'
          : r.perJax !== undefined && r.backend.includes('tape')
            ? 'jax-js'
            : null;
      const title = `${r.backend} ÷ ${measure}`;
      if (measure === null || columns.some((col) => col.title === title)) continue;
      columns.push({
        title,
        backend: r.backend,
        value: measure === 'raw tf' ? (x) => x.perRaw : (x) => x.perJax,
      });
    }
  }
  const lines = [
    `| case | ${columns.map((col) => col.title).join(' | ')} |`,
    `| :-- | ${columns.map(() => '--:').join(' | ')} |`,
  ];
  for (const c of results) {
    const cells = columns.map((col) => {
      const r = c.rows.find((x) => x.backend === col.backend && x.mode === 'prepared' && x.status === 'ok');
      return r ? ratio(col.value(r)) : '—';
    });
    if (cells.every((x) => x === '—')) continue;
    lines.push(`| ${c.scenario}, ${c.sizeUnit} = ${sizeLabel(c.size)} | ${cells.join(' | ')} |`);
  }
  return lines;
}

export function markdownReport(
  results: readonly CaseResult[],
  machine: Machine,
  targets: readonly Target[],
  notes: readonly string[],
): string {
  return [
    ...machineLines(machine),
    '',
    '#### Targets',
    '',
    ...targetTable(targets),
    '',
    '#### Against the engines’ own APIs (prepared calls; above 1, diffint is slower)',
    '',
    ...againstOwnApis(results),
    ...(notes.length > 0 ? ['', ...notes.map((n) => `Note: ${n}`)] : []),
    '',
    '#### All cases',
    '',
    '<details><summary>Every row of every case: ÷ f, ÷ hand, ÷ raw tf, ÷ jax-js, allocation, check</summary>',
    '',
    ...results.flatMap((r) => [markdownTable(r), '']),
    '</details>',
  ].join('\n');
}
