/**
 * ratios.svg: one panel per scenario, time ÷ time of f alone against size, both axes
 * logarithmic, one line per backend (prepared calls, and the engines' own APIs dashed), with a
 * legend. A Vega-Lite spec rendered to SVG by Vega in Node, without a browser; a scenario added
 * to the list gets its panel with no change here.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { CaseResult } from './runCase.js';
import type { Scenario } from './types.js';

/** One point of the chart: a backend's time ÷ f at one size of one scenario. */
export interface ChartPoint {
  readonly scenario: string;
  readonly size: number;
  readonly unit: string;
  readonly backend: string;
  readonly api: 'prepared' | 'its own API';
  readonly perF: number;
}

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
const fallback = ['#8c564b', '#e377c2', '#bcbd22', '#aec7e8', '#98df8a', '#c5b0d5'];

/** Each scenario's prepared (or direct) rows of its first operator, the ones the tables lead with. */
export function chartPoints(results: readonly CaseResult[], scenarios: readonly Scenario[]): ChartPoint[] {
  const points: ChartPoint[] = [];
  for (const s of scenarios) {
    const cases = results.filter((r) => r.scenario === s.name);
    const operator = cases[0]?.rows[0]?.operator;
    for (const c of cases) {
      for (const r of c.rows) {
        if (r.mode === 'unprepared' || r.operator !== operator || r.status !== 'ok' || r.perF === undefined)
          continue;
        const api = r.mode === 'direct' ? 'its own API' : 'prepared';
        points.push({
          scenario: s.title,
          size: c.size,
          unit: c.sizeUnit,
          backend: r.backend,
          api,
          perF: r.perF,
        });
      }
    }
  }
  return points;
}

/** The Vega-Lite specification of the chart for these points. */
export function chartSpec(points: readonly ChartPoint[]): TopLevelSpec {
  const backends = [...new Set(points.map((p) => p.backend))];
  const extra = backends.filter((b) => palette[b] === undefined);
  const colour = (b: string) => palette[b] ?? fallback[extra.indexOf(b) % fallback.length]!;
  const log = { type: 'log' as const, nice: false };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'time ÷ time of f alone against size (both axes logarithmic)',
      subtitle: 'prepared calls; dashed: an engine called through its own API; dotted rule: the cost of f',
    },
    data: { values: points.map((p) => ({ ...p })) },
    columns: 3,
    concat: [...new Set(points.map((p) => p.scenario))].map((scenario) => ({
      title: { text: scenario, fontSize: 12 },
      width: 300,
      height: 200,
      transform: [{ filter: { field: 'scenario', equal: scenario } }],
      layer: [
        {
          mark: { type: 'rule', color: '#444', strokeDash: [2, 3] },
          encoding: { y: { datum: 1, type: 'quantitative', scale: log } },
        },
        {
          mark: { type: 'line', point: true, strokeWidth: 2 },
          encoding: {
            x: {
              field: 'size',
              type: 'quantitative',
              scale: log,
              title: points.find((p) => p.scenario === scenario)?.unit ?? 'size',
              axis: { format: '~s' },
            },
            y: { field: 'perF', type: 'quantitative', scale: log, title: 'time ÷ f' },
            color: {
              field: 'backend',
              type: 'nominal',
              scale: { domain: backends, range: backends.map(colour) },
              legend: { title: 'backend', orient: 'bottom', columns: 5 },
            },
            strokeDash: {
              field: 'api',
              type: 'nominal',
              scale: {
                domain: ['prepared', 'its own API'],
                range: [
                  [1, 0],
                  [6, 3],
                ],
              },
              legend: null,
            },
            tooltip: [{ field: 'backend' }, { field: 'size' }, { field: 'perF', format: '.3g' }],
          },
        },
      ],
    })),
    config: { background: 'white', font: 'sans-serif', axis: { grid: true, gridColor: '#eee' } },
  };
}

/** The chart as an SVG document. */
export async function chart(results: readonly CaseResult[], scenarios: readonly Scenario[]): Promise<string> {
  const spec = compile(chartSpec(chartPoints(results, scenarios))).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return `${await view.toSVG()}\n`;
  } finally {
    view.finalize();
  }
}
