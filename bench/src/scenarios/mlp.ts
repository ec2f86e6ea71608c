/**
 * A multilayer perceptron's loss, differentiated with respect to a parameter struct
 * `{ layers: [{ W, b }, …] }` (a pytree), the data passed as `constant`s.
 * Hidden layers tanh(h W + b), a linear last layer, mean squared error.
 */
import { NDArray, constant, prepareGradient, valueAndGradient } from '@diffint/core';
import * as m from '@diffint/core/math';
import type * as jaxTypes from '@jax-js/jax';
import type * as tfTypes from '@tensorflow/tfjs';
import type { Engines } from '../engines.js';
import { f32, f64, jaxArray, jaxVariant, tfRawVariants, tidyResult } from '../peers.js';
import type { Case, Scenario } from '../types.js';
import { diffintVariants, engineRows, flat, second } from '../variants.js';

type Layer = { W: NDArray; b: Float64Array };
type Params = { layers: Layer[] };
/** What f receives for Params: the same struct, its leaves possibly traced. */
type ParamValues = { layers: { W: m.Value; b: m.Value }[] };

/** Layer widths (input first) and batch size of each benchmarked network, by parameter count. */
const networks: readonly { widths: readonly number[]; batch: number }[] = [
  { widths: [2, 4, 1], batch: 8 },
  { widths: [4, 8, 1], batch: 16 },
  { widths: [8, 16, 16, 1], batch: 64 },
  { widths: [64, 256, 256, 1], batch: 256 },
];

const parameterCount = (widths: readonly number[]) =>
  widths.slice(1).reduce((n, w, i) => n + widths[i]! * w + w, 0);

/** A deterministic pseudo-random sequence in [-0.5, 0.5). */
function uniform(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

function mlp(p: ParamValues, X: m.Value): m.Value {
  const { layers } = p;
  let h = X;
  layers.forEach((l, i) => {
    const z = m.add(m.matmul(h, l.W), l.b);
    h = i === layers.length - 1 ? z : m.tanh(z);
  });
  return h;
}

const loss = (p: ParamValues, X: NDArray, y: NDArray) => m.mean(m.square(m.sub(mlp(p, X), y)));

/**
 * The loss and its gradient by hand-written backpropagation: plain loops, ordered so the inner
 * loop runs along rows of W (contiguous memory), as a careful hand-written version would.
 */
function lossByHand(p: Params, X: NDArray, y: NDArray): [number, Params] {
  const batch = X.shape[0]!;
  const acts: Float64Array[] = [X.data];
  const L = p.layers.length;
  p.layers.forEach((l, k) => {
    const [nin, nout] = l.W.shape as [number, number];
    const W = l.W.data;
    const h = acts[k]!;
    const z = new Float64Array(batch * nout);
    for (let r = 0; r < batch; r++) {
      const zr = r * nout;
      z.set(l.b, zr);
      for (let i = 0; i < nin; i++) {
        const a = h[r * nin + i]!;
        const wi = i * nout;
        for (let j = 0; j < nout; j++) z[zr + j]! += a * W[wi + j]!;
      }
      if (k < L - 1) for (let j = 0; j < nout; j++) z[zr + j] = Math.tanh(z[zr + j]!);
    }
    acts.push(z);
  });
  const out = acts[L]!;
  let value = 0;
  let dz = new Float64Array(out.length);
  for (let i = 0; i < out.length; i++) {
    const d = out[i]! - y.data[i]!;
    value += d * d;
    dz[i] = (2 * d) / out.length;
  }
  const grads: Layer[] = new Array(L);
  for (let k = L - 1; k >= 0; k--) {
    const [nin, nout] = p.layers[k]!.W.shape as [number, number];
    const W = p.layers[k]!.W.data;
    const h = acts[k]!;
    const dW = new Float64Array(nin * nout);
    const db = new Float64Array(nout);
    const dh = new Float64Array(batch * nin);
    for (let r = 0; r < batch; r++) {
      const zr = r * nout;
      for (let j = 0; j < nout; j++) db[j]! += dz[zr + j]!;
      for (let i = 0; i < nin; i++) {
        const a = h[r * nin + i]!;
        const wi = i * nout;
        let s = 0;
        for (let j = 0; j < nout; j++) {
          dW[wi + j]! += a * dz[zr + j]!;
          s += dz[zr + j]! * W[wi + j]!;
        }
        // Through the tanh of the layer below (its output is h).
        dh[r * nin + i] = k > 0 ? s * (1 - a * a) : s;
      }
    }
    grads[k] = { W: new NDArray(dW, [nin, nout]), b: db };
    dz = dh;
  }
  return [value / out.length, { layers: grads }];
}

function tfLoss(tf: typeof tfTypes, ps: readonly tfTypes.Tensor[], X: tfTypes.Tensor, y: tfTypes.Tensor) {
  let h = X;
  for (let k = 0; k < ps.length; k += 2) {
    const z = tf.add(tf.matMul(h as tfTypes.Tensor2D, ps[k] as tfTypes.Tensor2D), ps[k + 1]!);
    h = k === ps.length - 2 ? z : tf.tanh(z);
  }
  return tf.mean(tf.square(tf.sub(h, y))) as tfTypes.Scalar;
}

type JaxParams = { layers: { W: jaxTypes.Array; b: jaxTypes.Array }[] };

function jaxLoss(jax: typeof jaxTypes, p: JaxParams, X: jaxTypes.Array, y: jaxTypes.Array) {
  const np = jax.numpy;
  let h = X;
  p.layers.forEach((l, k) => {
    const z = np.matmul(h, l.W).add(l.b);
    h = k === p.layers.length - 1 ? z : np.tanh(z);
  });
  return np.mean(np.square(h.sub(y)));
}

function build(size: number, engines: Engines): Case {
  const net = networks.find((n) => parameterCount(n.widths) === size);
  if (!net) throw new Error(`mlp: no network with ${size} parameters`);
  const { widths, batch } = net;
  const rand = uniform(size);
  const params: Params = {
    layers: widths.slice(1).map((w, i) => ({
      W: new NDArray(
        Float64Array.from({ length: widths[i]! * w }, () => rand() / Math.sqrt(widths[i]!)),
        [widths[i]!, w],
      ),
      b: Float64Array.from({ length: w }, () => 0.1 * rand()),
    })),
  };
  const X = new NDArray(Float64Array.from({ length: batch * widths[0]! }, rand), [batch, widths[0]!]);
  const y = new NDArray(Float64Array.from({ length: batch }, rand), [batch, 1]);
  const { tf } = engines;
  const { rows, skipped } = engineRows(engines, size, { densePassesUpTo: 1000 });
  const operator = 'valueAndGradient';
  const variants = rows.flatMap((row) =>
    diffintVariants(
      row,
      {
        operator,
        prepare: (e) => {
          const p = prepareGradient(loss, e, params, constant(X), constant(y));
          return () => p.valueAndGradient(params, constant(X), constant(y));
        },
        once: (e) => valueAndGradient(loss, e, params, constant(X), constant(y)),
        derivative: second,
      },
      engines,
    ),
  );
  const leaves = params.layers.flatMap((l) => [l.W, l.b]);
  variants.push(
    ...tfRawVariants(
      engines,
      operator,
      () =>
        tidyResult(tf, () => {
          const ps = leaves.map((l) =>
            l instanceof NDArray
              ? tf.tensor2d(f32(l.data), l.shape as [number, number])
              : tf.tensor1d(f32(l)),
          );
          const Xt = tf.tensor2d(f32(X.data), [batch, widths[0]!]);
          const yt = tf.tensor2d(f32(y.data), [batch, 1]);
          const r = tf.valueAndGrads((...t: tfTypes.Tensor[]) => tfLoss(tf, t, Xt, yt))(ps);
          return [r.value.dataSync()[0]!, r.grads.map(f64)] as const;
        }),
      second,
    ),
    ...jaxVariant(
      engines.jax,
      operator,
      (jax) => {
        const vg = jax.jit(
          jax.valueAndGrad((p: JaxParams, Xa: jaxTypes.Array, ya: jaxTypes.Array) => jaxLoss(jax, p, Xa, ya)),
        );
        return () => {
          const p = {
            layers: params.layers.map((l) => ({
              W: jaxArray(jax, l.W.data, l.W.shape),
              b: jaxArray(jax, l.b),
            })),
          };
          const [v, g] = vg(p, jaxArray(jax, X.data, X.shape), jaxArray(jax, y.data, y.shape));
          const grads = g.layers.map((l) => [l.W.dataSync() as Float64Array, l.b.dataSync() as Float64Array]);
          return [v.dataSync()[0]!, grads] as const;
        };
      },
      second,
    ),
  );
  return {
    scenario: 'mlp',
    size,
    sizeUnit: 'parameters',
    f: () => loss(params, X, y),
    hand: () => lossByHand(params, X, y),
    reference: flat(lossByHand(params, X, y)[1]),
    variants,
    skipped,
    note: `Layers ${widths.join('–')}, batch ${batch}; the data are constant() contexts.`,
  };
}

export const mlpScenario: Scenario = {
  name: 'mlp',
  title: 'MLP parameter struct, valueAndGradient',
  sizes: {
    full: networks.slice(1).map((n) => parameterCount(n.widths)),
    smoke: [parameterCount(networks[0]!.widths)],
  },
  build,
};
