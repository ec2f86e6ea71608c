/** Number formatting and the column set shared by the text and Markdown tables. */
import { type CaseResult, type Row, leakCheckCalls } from './runCase.js';

export function ratio(r: number | undefined): string {
  if (r === undefined || !Number.isFinite(r)) return '—';
  if (r < 10) return r.toFixed(2);
  if (r < 100) return r.toFixed(1);
  return r.toFixed(0);
}

export function bytes(b: number | undefined): string {
  if (b === undefined) return '—';
  if (b < 1024) return `${Math.round(b)} B`;
  if (b < 1024 ** 2) return `${(b / 1024).toFixed(1)} kB`;
  return `${(b / 1024 ** 2).toFixed(1)} MB`;
}

export function duration(ms: number): string {
  if (ms < 1e-3) return `${(ms * 1e6).toFixed(0)} ns`;
  if (ms < 1) return `${(ms * 1e3).toFixed(1)} µs`;
  if (ms < 1000) return `${ms.toFixed(2)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export function sizeLabel(size: number): string {
  if (size >= 1e4 && Number.isInteger(Math.log10(size))) return `1e${Math.log10(size)}`;
  return String(size);
}

function status(r: Row): string {
  const leak = r.leakedTensors ? `; ${r.leakedTensors} tensors left by ${leakCheckCalls} calls` : '';
  if (r.status === 'ok') return `ok${leak}`;
  if (r.status === 'wrong') return `WRONG (${r.message})${leak}`;
  return `${r.status}: ${r.message}`;
}

interface Column {
  readonly title: string;
  readonly cell: (r: Row) => string;
  readonly align: 'left' | 'right';
  /** Shown only when some row of the case has a value for it. */
  readonly optional?: (r: Row) => boolean;
}

const columns: readonly Column[] = [
  { title: 'backend', cell: (r) => r.backend, align: 'left' },
  { title: 'operator', cell: (r) => r.operator, align: 'left' },
  { title: 'mode', cell: (r) => r.mode, align: 'left' },
  { title: '÷ f', cell: (r) => ratio(r.perF), align: 'right' },
  { title: '÷ hand', cell: (r) => ratio(r.perHand), align: 'right' },
  {
    title: '÷ raw tf',
    cell: (r) => ratio(r.perRaw),
    align: 'right',
    optional: (r) => r.perRaw !== undefined,
  },
  {
    title: '÷ jax-js',
    cell: (r) => ratio(r.perJax),
    align: 'right',
    optional: (r) => r.perJax !== undefined,
  },
  {
    title: 'ns/op',
    cell: (r) => (r.nsPerOp === undefined ? '—' : r.nsPerOp.toFixed(0)),
    align: 'right',
    optional: (r) => r.nsPerOp !== undefined,
  },
  {
    title: 'alloc/call',
    cell: (r) => `${r.allocationLowerBound ? '≥ ' : ''}${bytes(r.bytesPerCall)}`,
    align: 'right',
  },
  { title: 'check', cell: status, align: 'left' },
];

/** The columns a case shows, and its rows as cells. */
export function cells(c: CaseResult): { header: Column[]; body: string[][] } {
  const header = columns.filter((col) => col.optional === undefined || c.rows.some(col.optional));
  return { header, body: c.rows.map((r) => header.map((col) => col.cell(r))) };
}

export function caseHeading(c: CaseResult): string {
  const ops = c.opsPerCall === undefined ? '' : `, ${c.opsPerCall} scalar ops per call`;
  return `${c.scenario}, ${c.sizeUnit} = ${sizeLabel(c.size)} (f alone: ${duration(c.fMs)}, by hand: ${duration(c.handMs)}${ops})`;
}
