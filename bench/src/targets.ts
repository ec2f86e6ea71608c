/**
 * The speed targets of the engine issues, checked against one run's ratios.
 */
import { ratio, sizeLabel } from './format.js';
import type { CaseResult, Row } from './runCase.js';

export interface Target {
  readonly name: string;
  readonly target: string;
  /** null when the run did not measure it (a smoke run, a missing engine). */
  readonly measured: number | null;
  readonly met: boolean | null;
  readonly detail: string;
}

function find(results: readonly CaseResult[], scenario: string, size: number | 'largest') {
  const cases = results.filter((r) => r.scenario === scenario);
  if (size === 'largest')
    return cases.reduce<CaseResult | undefined>((a, c) => (a && a.size >= c.size ? a : c), undefined);
  return cases.find((c) => c.size === size);
}

function row(
  c: CaseResult | undefined,
  backend: string,
  mode = 'prepared',
  operator?: string,
): Row | undefined {
  return c?.rows.find(
    (r) =>
      r.backend === backend &&
      r.mode === mode &&
      r.status === 'ok' &&
      (operator === undefined || r.operator === operator),
  );
}

/**
 * The median over rounds of a row's time ÷ a baseline's time in the same round. A burst of load
 * from other processes spoils one round of one task; pairing rounds and taking the median keeps
 * such a burst out of a ratio of two tasks (the quietest-round ratio lets it in when the two
 * tasks' quietest rounds differ in load).
 */
function pairedRatio(r: Row | undefined, base: Row | undefined): number | undefined {
  const a = r?.roundMedians;
  const b = base?.roundMedians;
  if (a === undefined || b === undefined || a.length === 0 || a.length !== b.length) return undefined;
  const ratios = a.map((t, i) => t / b[i]!).sort((x, y) => x - y);
  const mid = ratios.length >> 1;
  return ratios.length % 2 === 1 ? ratios[mid]! : (ratios[mid - 1]! + ratios[mid]!) / 2;
}

export function checkTargets(results: readonly CaseResult[], smoke: boolean): Target[] {
  const target = (
    name: string,
    text: string,
    measured: number | undefined,
    limit: number,
    detail: string,
  ): Target => {
    if (smoke)
      return {
        name,
        target: text,
        measured: null,
        met: null,
        detail: 'smoke run: tiny sizes, nothing judged',
      };
    if (measured === undefined)
      return { name, target: text, measured: null, met: null, detail: 'not measured in this run' };
    return { name, target: text, measured, met: measured <= limit, detail };
  };
  const rosen = find(results, 'rosenbrock', 1e5);
  const tapeRosen = row(rosen, 'tape');
  const scalar = find(results, 'scalar-loop', 'largest');
  const tapeScalar = row(scalar, 'tape');
  const small = find(results, 'constant-network', 1e2);
  const big = find(results, 'constant-network', 'largest');
  const enclosed = 'valueAndDerivative (enclosed)';
  const tapeBig = big && big.size >= 1e6 ? row(big, 'tape', 'prepared', enclosed) : undefined;
  const tapeSmall = row(small, 'tape', 'prepared', enclosed);
  const scalar1e4 = find(results, 'scalar-loop', 1e4);
  const fixed = find(results, 'fixed-cost', 3);
  const tfWasm = row(rosen, 'tfjs/wasm');
  const tfWasmRaw = row(rosen, 'tf raw/wasm', 'direct');
  const literal =
    tapeBig && tapeSmall && small && big
      ? `literally, time(1e6) ÷ time(1e2) = ${ratio(tapeBig.medianMs! / tapeSmall.medianMs!)}, ` +
        `but f alone already takes ${ratio(big.fMs / small.fMs)}× longer at 1e6 (it evaluates the network)`
      : '';
  return [
    target(
      'tape: Rosenbrock valueAndGradient, n = 1e5',
      '≤ 4 × f',
      tapeRosen?.perF,
      4,
      `prepared ${ratio(tapeRosen?.perF)} × f, unprepared ${ratio(row(rosen, 'tape', 'unprepared')?.perF)} × f`,
    ),
    target(
      'tape: scalar loop, forward + backward',
      '≤ 100 ns per recorded op',
      tapeScalar?.nsPerOp,
      100,
      results
        .filter((c) => c.scenario === 'scalar-loop')
        .map((c) => `${ratio(row(c, 'tape')?.nsPerOp)} ns at ${sizeLabel(c.size)} steps`)
        .join(', '),
    ),
    target(
      'scalar loop, 1e4 steps, in replay mode',
      '≤ 5 × hand-written forward-mode code',
      row(scalar1e4, 'forward (replay)')?.perHand,
      5,
      `forward (replay) ${ratio(row(scalar1e4, 'forward (replay)')?.perHand)}, tape (replay) ` +
        `${ratio(row(scalar1e4, 'tape (replay)')?.perHand)}, tape ${ratio(row(scalar1e4, 'tape')?.perHand)}, ` +
        `forward ${ratio(row(scalar1e4, 'forward')?.perHand)} × hand`,
    ),
    target(
      'fixed cost: prepared gradientInto, n = 3, in replay mode',
      '≤ 5 × f on plain values',
      row(fixed, 'tape (replay)')?.perF,
      5,
      `tape (replay) ${ratio(row(fixed, 'tape (replay)')?.perF)} × f, tape ${ratio(row(fixed, 'tape')?.perF)} × f`,
    ),
    target(
      'tape: derivative through an enclosed 1e6-parameter network',
      '≤ 1.5 × f (the network is evaluated, never differentiated)',
      tapeBig?.perF,
      1.5,
      `1e2 parameters: ${ratio(tapeSmall?.perF)} × f; ${literal}`,
    ),
    target(
      'tfjs on wasm: Rosenbrock valueAndGradient, n = 1e5',
      '≤ 1.2 × raw tf.valueAndGrads',
      pairedRatio(tfWasm, tfWasmRaw),
      1.2,
      `median over rounds of the per-round ratio (both timed in the same round): prepared ` +
        `${ratio(pairedRatio(tfWasm, tfWasmRaw))}, unprepared ` +
        `${ratio(pairedRatio(row(rosen, 'tfjs/wasm', 'unprepared'), tfWasmRaw))}; ratio of the quietest rounds: ` +
        `prepared ${ratio(tfWasm?.perRaw)}, unprepared ${ratio(row(rosen, 'tfjs/wasm', 'unprepared')?.perRaw)}; ` +
        `on cpu ${ratio(row(rosen, 'tfjs/cpu')?.perRaw)}`,
    ),
  ];
}

export function targetLines(targets: readonly Target[]): string[] {
  return [
    'Targets',
    ...targets.map((t) => {
      const verdict = t.met === null ? 'not measured' : t.met ? 'MET' : 'MISSED';
      return `  ${verdict.padEnd(12)} ${t.name}: ${t.target}; measured ${t.measured === null ? '—' : ratio(t.measured)} (${t.detail})`;
    }),
  ];
}
