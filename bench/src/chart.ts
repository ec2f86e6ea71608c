/**
 * ratios.svg: one panel per scenario, time ÷ time of f alone against size, both axes
 * logarithmic, one line per backend (prepared calls, and the engines' own APIs). Plain SVG.
 */
import { sizeLabel } from './format.js';
import type { CaseResult } from './runCase.js';
import type { Scenario } from './types.js';

const palette: Readonly<Record<string, string>> = {
  tape: '#1f77b4',
  forward: '#2ca02c',
  'finite-diff': '#7f7f7f',
  'tfjs/cpu': '#ff7f0e',
  'tfjs/wasm': '#d62728',
  'tf raw/cpu': '#ffbb78',
  'tf raw/wasm': '#ff9896',
  'jax-js/wasm': '#9467bd',
  'forward-over-tape': '#17becf',
  'tape-over-tape': '#393b79',
};
const fallback = ['#8c564b', '#e377c2', '#bcbd22', '#aec7e8'];

const W = 380;
const H = 270;
const M = { left: 52, right: 12, top: 30, bottom: 40 };
const COLS = 3;

interface Series {
  readonly label: string;
  readonly backend: string;
  readonly dashed: boolean;
  readonly points: { x: number; y: number }[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function colour(backend: string, seen: Map<string, string>): string {
  const known = palette[backend];
  if (known) return known;
  if (!seen.has(backend)) seen.set(backend, fallback[seen.size % fallback.length]!);
  return seen.get(backend)!;
}

/** One line per backend: its prepared (or direct) rows of the scenario's first operator. */
function seriesOf(cases: readonly CaseResult[]): Series[] {
  const operator = cases[0]?.rows[0]?.operator;
  const byLabel = new Map<string, Series>();
  for (const c of cases) {
    for (const r of c.rows) {
      if (r.mode === 'unprepared' || r.operator !== operator || r.status !== 'ok' || r.perF === undefined)
        continue;
      const label = r.backend;
      let s = byLabel.get(label);
      if (!s) {
        s = { label, backend: r.backend, dashed: r.mode === 'direct', points: [] };
        byLabel.set(label, s);
      }
      s.points.push({ x: c.size, y: r.perF });
    }
  }
  return [...byLabel.values()];
}

/** Decade ticks covering [lo, hi] (log10 values), with 2 and 5 when the range is short. */
function ticks(lo: number, hi: number): number[] {
  const out: number[] = [];
  const steps = hi - lo < 1.5 ? [1, 2, 5] : [1];
  for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) {
    for (const s of steps) {
      const v = Math.log10(s * 10 ** e);
      if (v >= lo - 1e-9 && v <= hi + 1e-9) out.push(v);
    }
  }
  return out;
}

const tickLabel = (v: number) => {
  const x = 10 ** v;
  return x >= 1e4 || x < 1e-2 ? `1e${Math.round(v)}` : String(Number(x.toPrecision(2)));
};

function panel(title: string, cases: readonly CaseResult[], seen: Map<string, string>): string {
  const series = seriesOf(cases);
  const xs = cases.map((c) => Math.log10(c.size));
  const ys = series.flatMap((s) => s.points.map((p) => Math.log10(p.y))).concat([0]);
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  if (x1 - x0 < 1e-9) [x0, x1] = [x0 - 0.5, x1 + 0.5];
  const pad = 0.15;
  const [y0, y1] = [Math.min(...ys) - pad, Math.max(...ys) + pad];
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const px = (v: number) => M.left + ((v - x0) / (x1 - x0)) * pw;
  const py = (v: number) => M.top + (1 - (v - y0) / (y1 - y0)) * ph;
  const parts: string[] = [
    `<text x="${W / 2}" y="18" text-anchor="middle" font-weight="bold">${esc(title)}</text>`,
    `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`,
  ];
  for (const v of ticks(y0, y1)) {
    parts.push(
      `<line x1="${M.left}" x2="${M.left + pw}" y1="${py(v)}" y2="${py(v)}" stroke="#eee"/>`,
      `<text x="${M.left - 4}" y="${py(v) + 4}" text-anchor="end">${tickLabel(v)}</text>`,
    );
  }
  parts.push(
    `<line x1="${M.left}" x2="${M.left + pw}" y1="${py(0)}" y2="${py(0)}" stroke="#444" stroke-dasharray="2 3"/>`,
  );
  for (const c of cases) {
    const x = px(Math.log10(c.size));
    parts.push(`<text x="${x}" y="${M.top + ph + 14}" text-anchor="middle">${sizeLabel(c.size)}</text>`);
  }
  parts.push(
    `<text x="${M.left + pw / 2}" y="${H - 8}" text-anchor="middle" fill="#555">${esc(cases[0]?.sizeUnit ?? '')}</text>`,
  );
  for (const s of series) {
    const pts = s.points.map((p) => `${px(Math.log10(p.x)).toFixed(1)},${py(Math.log10(p.y)).toFixed(1)}`);
    const stroke = colour(s.backend, seen);
    const dash = s.dashed ? ' stroke-dasharray="6 3"' : '';
    parts.push(
      `<polyline points="${pts.join(' ')}" fill="none" stroke="${stroke}" stroke-width="2"${dash}><title>${esc(s.label)}</title></polyline>`,
      ...s.points.map(
        (p) =>
          `<circle cx="${px(Math.log10(p.x)).toFixed(1)}" cy="${py(Math.log10(p.y)).toFixed(1)}" r="2.5" fill="${stroke}"><title>${esc(`${s.label}: ${p.y.toPrecision(3)} × f`)}</title></circle>`,
      ),
    );
  }
  return parts.join('\n');
}

export function chart(results: readonly CaseResult[], scenarios: readonly Scenario[]): string {
  const seen = new Map<string, string>();
  const shown = scenarios.filter((s) => results.some((r) => r.scenario === s.name));
  const rows = Math.ceil(shown.length / COLS);
  const panels = shown.map((s, i) => {
    const x = (i % COLS) * W;
    const y = 30 + Math.floor(i / COLS) * H;
    return `<g transform="translate(${x},${y})">\n${panel(
      s.title,
      results.filter((r) => r.scenario === s.name),
      seen,
    )}\n</g>`;
  });
  const backends = [
    ...new Set(results.flatMap((r) => r.rows.filter((x) => x.mode !== 'unprepared').map((x) => x.backend))),
  ];
  const legendY = 30 + rows * H + 10;
  const legend = backends.map((b, i) => {
    const x = 20 + (i % 5) * 220;
    const y = legendY + Math.floor(i / 5) * 20;
    const direct = results.some((r) => r.rows.some((x) => x.backend === b && x.mode === 'direct'));
    return (
      `<line x1="${x}" x2="${x + 28}" y1="${y}" y2="${y}" stroke="${colour(b, seen)}" stroke-width="2"${direct ? ' stroke-dasharray="6 3"' : ''}/>` +
      `<text x="${x + 34}" y="${y + 4}">${esc(b)}${direct ? ' (its own API)' : ''}</text>`
    );
  });
  const width = COLS * W;
  const height = legendY + Math.ceil(backends.length / 5) * 20 + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">time ÷ time of f alone (log scale) against size, prepared calls; dotted line: the cost of f</text>`,
    ...panels,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}
