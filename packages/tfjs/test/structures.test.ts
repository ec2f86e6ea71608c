import { NDArray, constant, gradient, gradientInto, prepareGradient, valueAndGradient } from '@diffint/core';
import * as m from '@diffint/core/math';
import { beforeAll, describe, expect, test } from 'vitest';
import { tfjs } from '../src/index.js';
import { backends, useBackend } from './backends.js';

const closeArray = (actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 2e-5) => {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(1, ...Array.from(expected, Math.abs));
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(rel * scale);
  }
};

interface Layer {
  W: NDArray; // [out, in]
  b: Float64Array; // [out]
}
interface Params {
  layers: Layer[];
}

/** tanh hidden layers, linear output, mean squared error; X is [batch, in], Y is [batch, out]. */
const mlpLoss = (p: { layers: { W: m.Value; b: m.Value }[] }, X: NDArray, Y: NDArray) => {
  let h: m.Value = X;
  p.layers.forEach(({ W, b }, l) => {
    const z = m.add(m.matmul(h, m.transpose(W)), b);
    h = l < p.layers.length - 1 ? m.tanh(z) : z;
  });
  return m.mean(m.square(m.sub(h, Y)));
};

/** The same loss and its gradient, by hand-written backpropagation in plain JS (float64). */
function mlpBackprop(p: Params, X: NDArray, Y: NDArray): { loss: number; grads: Params } {
  const [batch] = X.shape as [number, number];
  const L = p.layers.length;
  const acts: Float64Array[][] = [
    [...Array(batch)].map((_, r) => X.data.slice(r * X.shape[1]!, (r + 1) * X.shape[1]!)),
  ];
  for (let l = 0; l < L; l++) {
    const { W, b } = p.layers[l]!;
    const [nOut, nIn] = W.shape as [number, number];
    acts.push(
      acts[l]!.map((a) => {
        const z = new Float64Array(nOut);
        for (let o = 0; o < nOut; o++) {
          let s = b[o]!;
          for (let i = 0; i < nIn; i++) s += W.data[o * nIn + i]! * a[i]!;
          z[o] = l < L - 1 ? Math.tanh(s) : s;
        }
        return z;
      }),
    );
  }
  const nY = Y.shape[1]!;
  let loss = 0;
  // δ = ∂loss/∂z of the last layer
  let delta = acts[L]!.map((out, r) =>
    out.map((v, o) => {
      const d = v - Y.data[r * nY + o]!;
      loss += d * d;
      return (2 * d) / (batch * nY);
    }),
  );
  loss /= batch * nY;
  const grads: Layer[] = p.layers.map(({ W, b }) => ({
    W: NDArray.zeros(W.shape),
    b: new Float64Array(b.length),
  }));
  for (let l = L - 1; l >= 0; l--) {
    const { W } = p.layers[l]!;
    const [nOut, nIn] = W.shape as [number, number];
    const g = grads[l]!;
    delta.forEach((d, r) => {
      for (let o = 0; o < nOut; o++) {
        g.b[o] = g.b[o]! + d[o]!;
        for (let i = 0; i < nIn; i++) {
          const k = o * nIn + i;
          g.W.data[k] = g.W.data[k]! + d[o]! * acts[l]![r]![i]!;
        }
      }
    });
    if (l > 0) {
      delta = delta.map((d, r) => {
        const back = new Float64Array(nIn);
        for (let i = 0; i < nIn; i++) {
          let s = 0;
          for (let o = 0; o < nOut; o++) s += W.data[o * nIn + i]! * d[o]!;
          const a = acts[l]![r]![i]!; // tanh output of the layer below
          back[i] = s * (1 - a * a);
        }
        return back;
      });
    }
  }
  return { loss, grads: { layers: grads } };
}

const seeded = (n: number, seed: number) =>
  Float64Array.from({ length: n }, (_, i) => Math.sin(seed + 1.7 * i) * 0.8);

function makeProblem(sizes: number[], batch: number) {
  const params: Params = {
    layers: sizes.slice(1).map((nOut, l) => ({
      W: new NDArray(seeded(nOut * sizes[l]!, l), [nOut, sizes[l]!]),
      b: seeded(nOut, 10 + l),
    })),
  };
  const X = new NDArray(seeded(batch * sizes[0]!, 20), [batch, sizes[0]!]);
  const Y = new NDArray(seeded(batch * sizes.at(-1)!, 30), [batch, sizes.at(-1)!]);
  return { params, X, Y };
}

describe.each(backends)('structured inputs, %s backend', (name) => {
  beforeAll(() => useBackend(name));

  test('the gradient of an MLP loss over { layers: [{ W, b }, …] } matches hand-written backprop', () => {
    const { params, X, Y } = makeProblem([3, 5, 4, 2], 6);
    const reference = mlpBackprop(params, X, Y);
    const [loss, g] = valueAndGradient(mlpLoss, tfjs(), params, constant(X), constant(Y));
    expect(Math.abs(loss - reference.loss)).toBeLessThanOrEqual(1e-5 * Math.max(1, reference.loss));
    expect(g.layers).toHaveLength(3);
    g.layers.forEach((layer, l) => {
      const ref = reference.grads.layers[l]!;
      expect(layer.W).toBeInstanceOf(NDArray);
      expect(layer.W.shape).toEqual(ref.W.shape);
      expect(layer.b).toBeInstanceOf(Float64Array);
      closeArray(layer.W.data, ref.W.data);
      closeArray(layer.b, ref.b);
    });
  });

  test('a prepared gradient, called on new parameters and batches, writes into a given structure', () => {
    const a = makeProblem([2, 4, 1], 5);
    const prep = prepareGradient(mlpLoss, tfjs(), a.params, constant(a.X), constant(a.Y));
    const out: Params = {
      layers: a.params.layers.map(({ W, b }) => ({
        W: NDArray.zeros(W.shape),
        b: new Float64Array(b.length),
      })),
    };
    for (let k = 0; k < 3; k++) {
      const p: Params = {
        layers: a.params.layers.map(({ W, b }, l) => ({
          W: new NDArray(
            W.data.map((v, i) => v + 0.1 * k * Math.cos(i + l)),
            W.shape,
          ),
          b: b.map((v) => v - 0.05 * k),
        })),
      };
      const X = new NDArray(
        a.X.data.map((v, i) => v * (1 + 0.1 * k) + 0.01 * i),
        a.X.shape,
      );
      const ref = mlpBackprop(p, X, a.Y);
      const result = prep.gradientInto(out, p, constant(X), constant(a.Y));
      expect(result).toBe(out);
      out.layers.forEach((layer, l) => {
        closeArray(layer.W.data, ref.grads.layers[l]!.W.data);
        closeArray(layer.b, ref.grads.layers[l]!.b);
      });
    }
  });

  test('inputs and constants are left intact', () => {
    const { params, X, Y } = makeProblem([2, 3, 1], 4);
    const copies = JSON.stringify([
      params.layers.map((l) => [Array.from(l.W.data), Array.from(l.b)]),
      Array.from(X.data),
      Array.from(Y.data),
    ]);
    gradient(mlpLoss, tfjs(), params, constant(X), constant(Y));
    expect(
      JSON.stringify([
        params.layers.map((l) => [Array.from(l.W.data), Array.from(l.b)]),
        Array.from(X.data),
        Array.from(Y.data),
      ]),
    ).toBe(copies);
  });

  test('a constant is never differentiated: only x has a gradient, whatever the constant holds', () => {
    const c = { scale: 3, weights: seeded(4, 1), label: 'not a number' };
    const f = (x: m.Value, k: typeof c) => m.sum(m.mul(m.mul(x, k.weights), k.scale));
    const x = seeded(4, 2);
    const g = gradient(f, tfjs(), x, constant(c));
    closeArray(
      g,
      c.weights.map((w) => 3 * w),
    );
  });

  test('results have the structure and kinds of x: number, Float64Array, NDArray, nested', () => {
    const x = {
      s: 1.5,
      v: Float64Array.of(1, 2),
      M: NDArray.from([
        [1, 2],
        [3, 4],
      ]),
      list: [0.5, Float64Array.of(3)],
    };
    const f = (t: { s: m.Value; v: m.Value; M: m.Value; list: m.Value[] }) =>
      m.add(
        m.add(m.mul(t.s, t.s), m.sum(m.mul(t.v, t.v))),
        m.add(m.sum(m.mul(t.M, 2)), m.mul(t.list[0]!, m.sum(t.list[1]!))),
      );
    const g = gradient(f, tfjs(), x);
    expect(g.s).toBe(3);
    expect(g.v).toBeInstanceOf(Float64Array);
    expect(Array.from(g.v)).toEqual([2, 4]);
    expect(g.M).toBeInstanceOf(NDArray);
    expect(g.M.shape).toEqual([2, 2]);
    expect(Array.from(g.M.data)).toEqual([2, 2, 2, 2]);
    expect(g.list[0]).toBe(3);
    expect(Array.from(g.list[1] as Float64Array)).toEqual([0.5]);
  });

  test('values are computed in float32 and converted back exactly', () => {
    // d/dx (0.1 · x) is 0.1 rounded to float32, not the float64 0.1
    const d = gradient((x: m.Value) => m.sum(m.mul(x, 0.1)), tfjs(), Float64Array.of(1));
    expect(d[0]).toBe(Math.fround(0.1));
    expect(d[0]).not.toBe(0.1);
  });

  test('an input f does not use gets a zero gradient', () => {
    const f = (p: { used: m.Value; unused: m.Value }) => m.sum(m.square(p.used));
    const g = gradientInto({ used: new Float64Array(2), unused: Float64Array.of(9, 9) }, f, tfjs(), {
      used: Float64Array.of(1, 2),
      unused: Float64Array.of(5, 6),
    });
    expect(Array.from(g.used)).toEqual([2, 4]);
    expect(Array.from(g.unused)).toEqual([0, 0]);
    // and a function that ignores x altogether
    expect(gradient(() => 4, tfjs(), Float64Array.of(1, 2))).toEqual(Float64Array.of(0, 0));
  });
});
