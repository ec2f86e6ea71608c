/**
 * Scalar code: a loop of `get`/`set` on a buffer and scalar ops, the way an ODE step or a
 * recurrence is written element by element: s₀ = x, s_{i+1} = s_i + sin(w_i x), f(x) = s_K, so
 * f'(x) = 1 + Σ w_i cos(w_i x) stays of order K (no vanishing product to blur the check).
 * Reported as time per scalar op of forward + backward (the tape issue: ≤ 100 ns). The
 * `(replay)` rows mark f with `replay(f)`: after one recording, calls run compiled code only.
 */
import { buffer, prepareDerivative, replay, valueAndDerivative } from '@diffint/core';
import * as m from '@diffint/core/math';
import type { Engines } from '../engines.js';
import type { Case, Scenario } from '../types.js';
import { diffintVariants, engineRows, replayVariant } from '../variants.js';

/** f and df/dx in plain JS. */
function byHand(steps: number, x: number): [number, number] {
  let s = x;
  let d = 1;
  for (let i = 0; i < steps; i++) {
    const w = weight(i);
    s += Math.sin(w * x);
    d += w * Math.cos(w * x);
  }
  return [s, d];
}

const weight = (i: number) => 1 + (i % 7) / 7;

function build(steps: number, engines: Engines): Case {
  const s = buffer(steps + 1);
  const f = (x: m.Value) => {
    s.set(0, x);
    for (let i = 0; i < steps; i++) s.set(i + 1, m.add(s.get(i), m.sin(m.mul(x, weight(i)))));
    return s.get(steps);
  };
  const x = 0.5;
  const { rows, skipped } = engineRows(engines, steps, { tfjsUpTo: 100 });
  const variants = rows.flatMap((row) =>
    diffintVariants(
      row,
      {
        operator: 'valueAndDerivative',
        prepare: (b) => {
          const p = prepareDerivative(f, b, x);
          return () => p.valueAndDerivative(x);
        },
        once: (b) => valueAndDerivative(f, b, x),
        derivative: (r) => Float64Array.of((r as [number, number])[1]),
      },
      engines,
    ),
  );
  const derivative = (r: unknown) => Float64Array.of((r as [number, number])[1]);
  const replayed = replay(f);
  const prepareReplay = (b: import('@diffint/core').Backend) => {
    const p = prepareDerivative(replayed, b, x);
    return () => p.valueAndDerivative(x);
  };
  variants.push(replayVariant('tape', engines.tape, 'valueAndDerivative', prepareReplay, derivative));
  if (engines.forward !== null) {
    variants.push(replayVariant('forward', engines.forward, 'valueAndDerivative', prepareReplay, derivative));
  }
  const tape = engines.tape();
  valueAndDerivative(f, tape, x);
  return {
    scenario: 'scalar-loop',
    size: steps,
    sizeUnit: 'loop steps',
    f: () => f(x),
    hand: () => byHand(steps, x),
    reference: Float64Array.of(byHand(steps, x)[1]),
    opsPerCall: tape.lastTapeLength,
    variants,
    skipped,
    note: 'ns/op: time of one call ÷ the scalar ops the tape records in it (mul, sin, add per step).',
  };
}

export const scalarLoopScenario: Scenario = {
  name: 'scalar-loop',
  title: 'Scalar loop on a buffer, valueAndDerivative',
  sizes: { full: [10, 100, 1e3, 1e4, 1e5], smoke: [10] },
  build,
};
