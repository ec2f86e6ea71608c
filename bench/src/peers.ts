/**
 * Rows for the engines' own APIs: raw TensorFlow.js (`tf.valueAndGrads` on the function written
 * with tf ops) and `@jax-js/jax` (`jit(valueAndGrad)`). Each call converts plain float64 inputs
 * and returns plain float64 results, the work a diffint call also does, so the ratios compare
 * like with like.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import { type Engines, type Jax, tfBackends, useTfBackend } from './engines.js';
import type { Variant } from './types.js';
import { tolerance } from './variants.js';

export type Tf = typeof tfTypes;

/** Float32 data for a tensor (TensorFlow.js does not take a Float64Array). */
export const f32 = (x: Float64Array): Float32Array => Float32Array.from(x);

/** A tensor's values as float64, the type diffint returns. */
export const f64 = (t: tfTypes.Tensor): Float64Array => Float64Array.from(t.dataSync() as Float32Array);

/**
 * Runs `body` inside `tf.tidy`, so every tensor it creates is disposed, and returns what it
 * computed (kept out of tidy's return value, which tidy would walk for tensors).
 */
export function tidyResult<T>(tf: Tf, body: () => T): T {
  let out: T | undefined;
  tf.tidy(() => {
    out = body();
  });
  return out as T;
}

/** One raw-tf row per TensorFlow.js backend. */
export function tfRawVariants(
  engines: Engines,
  operator: string,
  run: () => unknown,
  derivative: (r: unknown) => Float64Array,
): Variant[] {
  return tfBackends.map((b) => ({
    backend: `tf raw/${b}`,
    operator,
    mode: 'direct' as const,
    init: () => useTfBackend(b),
    activate: () => useTfBackend(b),
    run,
    derivative,
    tolerance: tolerance.float32,
    liveTensors: () => engines.tf.memory().numTensors,
  }));
}

/** A jax-js row: `make` builds (and jit-compiles on first use) the call once, in `init`. */
export function jaxVariant(
  jax: Jax | null,
  operator: string,
  make: (jax: Jax) => () => unknown,
  derivative: (r: unknown) => Float64Array,
): Variant[] {
  if (jax === null) return [];
  let call: () => unknown = () => {
    throw new Error('not initialised');
  };
  return [
    {
      backend: 'jax-js/wasm',
      operator,
      mode: 'direct',
      init: async () => {
        call = make(jax);
      },
      run: () => call(),
      derivative,
      // jax-js evaluates transcendental functions (tanh) to about 1e-8 in float64.
      tolerance: 1e-6,
    },
  ];
}

/** A float64 jax-js array holding a copy of `data` (with `shape`, default 1-D). */
export function jaxArray(jax: Jax, data: Float64Array, shape?: readonly number[]) {
  return jax.numpy.array(data, { dtype: jax.numpy.float64, ...(shape ? { shape: [...shape] } : {}) });
}
