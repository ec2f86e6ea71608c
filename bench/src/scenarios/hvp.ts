/**
 * A Hessian-vector product of the extended Rosenbrock function: forward-over-reverse
 * (`secondOrder(forward(), tape())`), reverse-over-reverse (the tape on its own), tfjs
 * (grad of grad), against raw `tf.grad` of `tf.grad` and jax-js `jit(jvp(grad))`.
 */
import { type Backend, hvp, prepareHvp, secondOrder } from '@diffint/core';
import type * as jaxTypes from '@jax-js/jax';
import type * as tfTypes from '@tensorflow/tfjs';
import { type Engines, tfBackends } from '../engines.js';
import { f32, f64, jaxArray, jaxVariant, tfRawVariants, tidyResult } from '../peers.js';
import type { Case, Scenario, Skip } from '../types.js';
import { type EngineRow, diffintVariants, firstSeed, tolerance } from '../variants.js';
import { jaxRosenbrock, rosenbrock, rosenbrockPoint, tfRosenbrock } from './rosenbrock.js';

/** H·v of the extended Rosenbrock function (its Hessian is tridiagonal), in plain JS. */
function hvpByHand(x: Float64Array, v: Float64Array): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n - 1; i++) {
    const a = x[i]!;
    const dii = 1200 * a * a - 400 * x[i + 1]! + 2;
    const off = -400 * a;
    out[i]! += dii * v[i]! + off * v[i + 1]!;
    out[i + 1]! += off * v[i]! + 200 * v[i + 1]!;
  }
  return out;
}

function backends(engines: Engines): { rows: EngineRow[]; skipped: Skip[] } {
  const rows: EngineRow[] = [];
  const skipped: Skip[] = [];
  const { forward, tfjs } = engines;
  if (forward) {
    rows.push({
      backend: 'forward-over-tape',
      make: () => secondOrder(forward(), engines.tape()),
      tolerance: tolerance.float64,
    });
  } else
    skipped.push({ backend: 'forward-over-tape', reason: '@diffint/forward does not export forward() yet' });
  rows.push({ backend: 'tape-over-tape', make: engines.tape, tolerance: tolerance.float64 });
  for (const b of tfBackends) {
    if (tfjs) rows.push({ backend: `tfjs/${b}`, make: tfjs, tolerance: tolerance.float32, tf: b });
    else skipped.push({ backend: `tfjs/${b}`, reason: 'its package does not export it yet' });
  }
  return { rows, skipped };
}

function build(n: number, engines: Engines): Case {
  const x = rosenbrockPoint(n);
  const v = Float64Array.from({ length: n }, (_, i) => Math.cos(0.7 * i));
  const { tf } = engines;
  const { rows, skipped } = backends(engines);
  const operator = 'hvp';
  const variants = rows.flatMap((row) =>
    diffintVariants(
      row,
      {
        operator,
        prepare: (b: Backend) => {
          const p = prepareHvp(rosenbrock, b, x, [v]);
          return () => p.hvp(x, [v]);
        },
        once: (b: Backend) => hvp(rosenbrock, b, x, [v]),
        derivative: firstSeed,
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
          const vt = tf.tensor1d(f32(v));
          const gradDotV = (t: tfTypes.Tensor) => tf.sum(tf.mul(tf.grad((s) => tfRosenbrock(tf, s))(t), vt));
          return [f64(tf.grad(gradDotV)(tf.tensor1d(f32(x))))];
        }),
      firstSeed,
    ),
    ...jaxVariant(
      engines.jax,
      operator,
      (jax) => {
        const grad = jax.grad((t: jaxTypes.Array) => jaxRosenbrock(jax, t));
        const hv = jax.jit((xa: jaxTypes.Array, va: jaxTypes.Array) => {
          const [g, tangent] = jax.jvp(grad, [xa], [va]);
          g.dispose();
          return tangent;
        });
        return () => [hv(jaxArray(jax, x), jaxArray(jax, v)).dataSync() as Float64Array];
      },
      firstSeed,
    ),
  );
  return {
    scenario: 'hvp',
    size: n,
    sizeUnit: 'n',
    f: () => rosenbrock(x),
    hand: () => hvpByHand(x, v),
    reference: hvpByHand(x, v),
    variants,
    skipped,
    note: 'jax-js row: jit(jvp(grad)); raw tf row: tf.grad of ⟨tf.grad(f), v⟩.',
  };
}

export const hvpScenario: Scenario = {
  name: 'hvp',
  title: 'Extended Rosenbrock, hvp',
  sizes: { full: [10, 1e3, 1e5], smoke: [10] },
  build,
};
