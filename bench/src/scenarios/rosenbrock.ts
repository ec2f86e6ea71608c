/**
 * The extended Rosenbrock function, vectorised: f(x) = Σ 100 (x_{i+1} − x_i²)² + (1 − x_i)².
 * Its gradient is the cheap-gradient benchmark (the tape issue: ≤ 4× f at n = 1e5).
 */
import { prepareGradient, valueAndGradient } from '@diffint/core';
import * as m from '@diffint/core/math';
import type { Engines, Jax } from '../engines.js';
import { type Tf, f32, f64, jaxArray, jaxVariant, tfRawVariants, tidyResult } from '../peers.js';
import type { Case, Scenario } from '../types.js';
import { diffintVariants, engineRows, second } from '../variants.js';

export function rosenbrock(x: m.Value): m.Value {
  const n = m.shape(x)[0]!;
  const xo = m.slice(x, 0, n - 1);
  const xn = m.slice(x, 1, n);
  return m.sum(m.add(m.mul(100, m.square(m.sub(xn, m.square(xo)))), m.square(m.sub(1, xo))));
}

/** f and its gradient in plain JS. */
export function rosenbrockByHand(x: Float64Array): [number, Float64Array] {
  const n = x.length;
  const g = new Float64Array(n);
  let f = 0;
  for (let i = 0; i < n - 1; i++) {
    const a = x[i]!;
    const d = x[i + 1]! - a * a;
    const e = 1 - a;
    f += 100 * d * d + e * e;
    g[i]! += -400 * d * a - 2 * e;
    g[i + 1]! += 200 * d;
  }
  return [f, g];
}

/** A point away from the minimum, the same for every engine. */
export function rosenbrockPoint(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => 0.8 + 0.3 * Math.sin(i));
}

export function tfRosenbrock(tf: Tf, x: import('@tensorflow/tfjs').Tensor) {
  const n = x.shape[0]!;
  const xo = tf.slice(x, 0, n - 1);
  const xn = tf.slice(x, 1, n - 1);
  return tf.sum(tf.add(tf.mul(100, tf.square(tf.sub(xn, tf.square(xo)))), tf.square(tf.sub(1, xo))));
}

export function jaxRosenbrock(jax: Jax, x: import('@jax-js/jax').Array) {
  const np = jax.numpy;
  const n = x.shape[0]!;
  const xo = x.ref.slice([0, n - 1]);
  const xn = x.slice([1, n]);
  const a = np.square(xn.sub(np.square(xo.ref))).mul(100);
  return np.sum(a.add(np.square(np.subtract(1, xo))));
}

function build(n: number, engines: Engines): Case {
  const x = rosenbrockPoint(n);
  const { tf } = engines;
  const { rows, skipped } = engineRows(engines, n, { densePassesUpTo: 1000 });
  const operator = 'valueAndGradient';
  const variants = rows.flatMap((row) =>
    diffintVariants(
      row,
      {
        operator,
        prepare: (e) => {
          const p = prepareGradient(rosenbrock, e, x);
          return () => p.valueAndGradient(x);
        },
        once: (e) => valueAndGradient(rosenbrock, e, x),
        derivative: second,
      },
      engines,
    ),
  );
  variants.push(
    ...tfRawVariants(
      engines,
      operator,
      () =>
        tidyResult(tf, () => {
          const r = tf.valueAndGrads((t) => tfRosenbrock(tf, t))([tf.tensor1d(f32(x))]);
          return [r.value.dataSync()[0]!, f64(r.grads[0]!)] as const;
        }),
      second,
    ),
    ...jaxVariant(
      engines.jax,
      operator,
      (jax) => {
        const vg = jax.jit(jax.valueAndGrad((t: import('@jax-js/jax').Array) => jaxRosenbrock(jax, t)));
        return () => {
          const [v, g] = vg(jaxArray(jax, x));
          return [v.dataSync()[0]!, g.dataSync() as Float64Array] as const;
        };
      },
      second,
    ),
  );
  return {
    scenario: 'rosenbrock',
    size: n,
    sizeUnit: 'n',
    f: () => rosenbrock(x),
    hand: () => rosenbrockByHand(x),
    reference: rosenbrockByHand(x)[1],
    variants,
    skipped,
  };
}

export const rosenbrockScenario: Scenario = {
  name: 'rosenbrock',
  title: 'Extended Rosenbrock, valueAndGradient',
  sizes: { full: [10, 1e3, 1e5], smoke: [10] },
  build,
};
