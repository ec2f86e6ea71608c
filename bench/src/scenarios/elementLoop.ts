/**
 * An element loop over a traced vector: f(x) = Σ c_i x_i², written with `get(x, i)` in a JS loop
 * (scalar code over an array input), ∇f = 2 c ⊙ x. Each read must cost O(1) in both passes, so
 * time per element stays flat as n grows. The `(replay)` row marks f with `replay(f)`.
 */
import { type Backend, prepareGradient, replay, valueAndGradient } from '@diffint/core';
import * as m from '@diffint/core/math';
import type { Engines } from '../engines.js';
import type { Case, Scenario } from '../types.js';
import { diffintVariants, engineRows, replayVariant, second } from '../variants.js';

const weights = (n: number) => Float64Array.from({ length: n }, (_, i) => 1 + (i % 5) / 5);

/** f and ∇f in plain JS. */
function byHand(x: Float64Array, c: Float64Array): [number, Float64Array] {
  let s = 0;
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    s += c[i]! * x[i]! * x[i]!;
    g[i] = 2 * c[i]! * x[i]!;
  }
  return [s, g];
}

function build(n: number, engines: Engines): Case {
  const c = weights(n);
  const f = (x: m.Value) => {
    let s: m.Value = 0;
    for (let i = 0; i < n; i++) {
      const xi = m.get(x, i);
      s = m.add(s, m.mul(c[i]!, m.mul(xi, xi)));
    }
    return s;
  };
  const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 0.5);
  const operator = 'valueAndGradient';
  const { rows, skipped } = engineRows(engines, n, { densePassesUpTo: 1000, tfjsUpTo: 100 });
  const variants = rows.flatMap((row) =>
    diffintVariants(
      row,
      {
        operator,
        prepare: (b) => {
          const p = prepareGradient(f, b, x);
          return () => p.valueAndGradient(x);
        },
        once: (b) => valueAndGradient(f, b, x),
        derivative: second,
      },
      engines,
    ),
  );
  const replayed = replay(f);
  const prepareReplay = (b: Backend) => {
    const p = prepareGradient(replayed, b, x);
    return () => p.valueAndGradient(x);
  };
  variants.push(replayVariant('tape', engines.tape, operator, prepareReplay, second));
  return {
    scenario: 'element-loop',
    size: n,
    sizeUnit: 'n',
    f: () => f(x),
    hand: () => byHand(x, c),
    reference: byHand(x, c)[1],
    variants,
    skipped,
    note: 'get(x, i) in a JS loop over a traced vector; forward mode needs n/8 passes of f, so it runs up to n = 1e3.',
  };
}

export const elementLoopScenario: Scenario = {
  name: 'element-loop',
  title: 'Element loop over a traced vector, valueAndGradient',
  sizes: { full: [100, 1e3, 1e4], smoke: [10] },
  build,
};
