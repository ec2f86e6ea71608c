/** The stdout table: one block per case. */
import { caseHeading, cells } from './format.js';
import type { CaseResult } from './runCase.js';

export function textTable(c: CaseResult): string {
  const { header, body } = cells(c);
  const widths = header.map((h, j) => Math.max(h.title.length, ...body.map((row) => row[j]!.length)));
  const line = (row: readonly string[]) =>
    row
      .map((cell, j) => (header[j]!.align === 'left' ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!)))
      .join('  ')
      .trimEnd();
  const out = [caseHeading(c), line(header.map((h) => h.title)), ...body.map(line)];
  for (const s of c.skipped) out.push(`  skipped ${s.backend}: ${s.reason}`);
  if (c.note) out.push(`  ${c.note}`);
  return out.join('\n');
}

export function markdownTable(c: CaseResult): string {
  const { header, body } = cells(c);
  const row = (cs: readonly string[]) => `| ${cs.join(' | ')} |`;
  const out = [
    `**${caseHeading(c)}**`,
    '',
    row(header.map((h) => h.title)),
    row(header.map((h) => (h.align === 'left' ? ':--' : '--:'))),
    ...body.map(row),
  ];
  if (c.skipped.length > 0) {
    out.push('', `Skipped: ${c.skipped.map((s) => `${s.backend} (${s.reason})`).join('; ')}.`);
  }
  if (c.note) out.push('', c.note);
  return out.join('\n');
}
