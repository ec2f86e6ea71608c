/**
 * Active inputs that are parameter structs (pytrees): an MLP's `{ layers: [{ W, b }, …] }` and
 * nested tuples and objects. Gradients come back in the structure of x, leaf kinds included.
 */
import { NDArray, constant } from '@diffint/core';
import * as m from '@diffint/core/math';
import { flatData, likeTree } from '../tree.js';
import type { Scenario } from '../types.js';
import { matrix, scenariosFrom, wave } from './derive.js';

const family = 'param-struct';

// ---- an MLP: tanh hidden layers, a linear output, mean squared error over a batch ----

// Type aliases, not interfaces: a pytree type needs an implicit index signature.
type Layer = { W: NDArray; b: Float64Array };
type Params = { layers: Layer[] };

const sizes = [3, 5, 4, 2];
const batch = 6;
const params: Params = {
  layers: sizes.slice(1).map((out, l) => ({
    W: new NDArray(
      Float64Array.from({ length: out * sizes[l]! }, (_, i) => 0.8 * wave(l + 3)(i)),
      [out, sizes[l]!],
    ),
    b: Float64Array.from({ length: out }, (_, i) => 0.3 * wave(l + 7)(i)),
  })),
};
const X = new NDArray(
  Float64Array.from({ length: batch * sizes[0]! }, (_, i) => wave(11)(i)),
  [batch, 3],
);
const Y = new NDArray(
  Float64Array.from({ length: batch * 2 }, (_, i) => wave(12)(i)),
  [batch, 2],
);

function mlpLoss(q: { layers: { W: m.Value; b: m.Value }[] }, inputs: NDArray, targets: NDArray): m.Value {
  let h: m.Value = inputs;
  q.layers.forEach(({ W, b }, l) => {
    h = m.add(m.matmul(h, m.transpose(W)), b);
    if (l < q.layers.length - 1) h = m.tanh(h);
  });
  return m.mean(m.square(m.sub(h, targets)));
}

/** A number with a directional derivative: backpropagation on these gives the gradient and H·t at once. */
interface Dual {
  readonly v: number;
  readonly d: number;
}
const dual = (v: number, d = 0): Dual => ({ v, d });
const add = (a: Dual, b: Dual): Dual => ({ v: a.v + b.v, d: a.d + b.d });
const mul = (a: Dual, b: Dual): Dual => ({ v: a.v * b.v, d: a.d * b.v + a.v * b.d });
const tanh = (a: Dual): Dual => {
  const v = Math.tanh(a.v);
  return { v, d: (1 - v * v) * a.d };
};

/** Hand-written backpropagation, sample by sample, with the parameters moving along `t`. */
function backprop(t: Params) {
  const L = params.layers.map((layer, l) => ({
    out: layer.W.shape[0]!,
    inp: layer.W.shape[1]!,
    W: Array.from(layer.W.data, (w, k) => dual(w, t.layers[l]!.W.data[k]!)),
    b: Array.from(layer.b, (b, k) => dual(b, t.layers[l]!.b[k]!)),
  }));
  const gW = L.map((l) => l.W.map(() => dual(0)));
  const gb = L.map((l) => l.b.map(() => dual(0)));
  const count = batch * sizes[sizes.length - 1]!;
  let loss = 0;
  for (let s = 0; s < batch; s++) {
    const acts: Dual[][] = [Array.from(X.data.slice(s * 3, s * 3 + 3), (v) => dual(v))];
    L.forEach((layer, l) => {
      const prev = acts[l]!;
      const z = Array.from({ length: layer.out }, (_, i) => {
        let sum = layer.b[i]!;
        for (let j = 0; j < layer.inp; j++) sum = add(sum, mul(layer.W[i * layer.inp + j]!, prev[j]!));
        return sum;
      });
      acts.push(l < L.length - 1 ? z.map(tanh) : z);
    });
    let delta = acts[L.length]!.map((o, i) => {
      const diff = add(o, dual(-Y.data[s * 2 + i]!));
      loss += (diff.v * diff.v) / count;
      return mul(diff, dual(2 / count));
    });
    for (let l = L.length - 1; l >= 0; l--) {
      const layer = L[l]!;
      const prev = acts[l]!;
      for (let i = 0; i < layer.out; i++) {
        gb[l]![i] = add(gb[l]![i]!, delta[i]!);
        for (let j = 0; j < layer.inp; j++) {
          const k = i * layer.inp + j;
          gW[l]![k] = add(gW[l]![k]!, mul(delta[i]!, prev[j]!));
        }
      }
      if (l > 0) {
        delta = prev.map((a, j) => {
          let back = dual(0);
          for (let i = 0; i < layer.out; i++) back = add(back, mul(layer.W[i * layer.inp + j]!, delta[i]!));
          return mul(back, add(dual(1), mul(dual(-1), mul(a, a))));
        });
      }
    }
  }
  const part = (key: 'v' | 'd'): Params => ({
    layers: L.map((layer, l) => ({
      W: new NDArray(
        Float64Array.from(gW[l]!, (g) => g[key]),
        [layer.out, layer.inp],
      ),
      b: Float64Array.from(gb[l]!, (g) => g[key]),
    })),
  });
  return { loss, gradient: part('v'), hvp: part('d') };
}

const nParams = flatData(params).length;
const unit = (k: number): Params =>
  likeTree(
    params,
    Float64Array.from({ length: nParams }, (_, i) => +(i === k)),
  );
const mlp = backprop(unit(0));
const mlpHessian = matrix(nParams, nParams, () => 0);
for (let k = 0; k < nParams; k++) {
  const column = flatData(backprop(unit(k)).hvp);
  for (let i = 0; i < nParams; i++) mlpHessian.data[i * nParams + k] = column[i]!;
}

// ---- nested tuples and objects ----

const tree = {
  s: 0.7,
  v: Float64Array.of(0.4, -1.1, 0.9),
  pair: [
    new NDArray(Float64Array.of(0.3, -0.8, 1.2, 0.5), [2, 2]),
    { w: Float64Array.of(1.3, -0.4) },
  ] as const,
};
type TreeValue = { s: m.Value; v: m.Value; pair: readonly [m.Value, { w: m.Value }] };
const M = tree.pair[0].data;
const w0 = tree.pair[1].w[0]!;
const w1 = tree.pair[1].w[1]!;
const sumSq = tree.v.reduce((s, v) => s + v * v, 0);
const sumSin = M.reduce((s, v) => s + Math.sin(v), 0);
const ew = Math.exp(w1);
const s0 = tree.s;
// Flattened order: s, v[0..2], M[0..3], w[0..1].
const iV = 1;
const iM = 4;
const iW = 8;

/** f = s·Σv² + w₀·Σ sin M + s·exp(w₁) */
const scalarOfTree = (x: TreeValue) => {
  const w = x.pair[1].w;
  return m.add(
    m.add(m.mul(x.s, m.sum(m.square(x.v))), m.mul(m.get(w, 0), m.sum(m.sin(x.pair[0])))),
    m.mul(x.s, m.exp(m.get(w, 1))),
  );
};
const treeGradient = [
  sumSq + ew,
  ...tree.v.map((v) => 2 * s0 * v),
  ...M.map((v) => w0 * Math.cos(v)),
  sumSin,
  s0 * ew,
];
const treeHessian = matrix(10, 10, () => 0);
const setSym = (i: number, j: number, v: number) => {
  treeHessian.data[i * 10 + j] = v;
  treeHessian.data[j * 10 + i] = v;
};
tree.v.forEach((v, i) => {
  setSym(0, iV + i, 2 * v);
  setSym(iV + i, iV + i, 2 * s0);
});
M.forEach((v, k) => {
  setSym(iM + k, iM + k, -w0 * Math.sin(v));
  setSym(iM + k, iW, Math.cos(v));
});
setSym(0, iW + 1, ew);
setSym(iW + 1, iW + 1, s0 * ew);

/** g = [s·v, { y: w₀·Σ sin M }]: a tree in, a tree out. */
const treeOfTree = (x: TreeValue) => [
  m.mul(x.s, x.v),
  { y: m.mul(m.get(x.pair[1].w, 0), m.sum(m.sin(x.pair[0]))) },
];
const treeJacobian = matrix(4, 10, (r, c) => {
  if (r < 3) return c === 0 ? tree.v[r]! : c === iV + r ? s0 : 0;
  if (c >= iM && c < iW) return w0 * Math.cos(M[c - iM]!);
  return c === iW ? sumSin : 0;
});

/** The param-struct family: parameter structs (an MLP's layers), nested tuples and tree-to-tree functions. */
export const paramStructScenarios: Scenario[] = [
  ...scenariosFrom(
    {
      name: 'mlp',
      family,
      tags: ['param-struct', 'constant'],
      f: mlpLoss,
      contexts: [constant(X), constant(Y)],
    },
    {
      x: params,
      value: mlp.loss,
      jacobian: matrix(1, nParams, (_, j) => flatData(mlp.gradient)[j]!),
      hessian: mlpHessian,
    },
    ['gradient', 'pullback', 'hvp'],
  ),
  ...scenariosFrom(
    { name: 'nested-tree', family, tags: ['param-struct'], f: scalarOfTree },
    {
      x: tree,
      value: s0 * sumSq + w0 * sumSin + s0 * ew,
      jacobian: matrix(1, 10, (_, j) => treeGradient[j]!),
      hessian: treeHessian,
    },
    ['gradient', 'hvp', 'hessian'],
  ),
  ...scenariosFrom(
    { name: 'tree-to-tree', family, tags: ['param-struct'], f: treeOfTree },
    {
      x: tree,
      value: [tree.v.map((v) => s0 * v), { y: w0 * sumSin }],
      jacobian: treeJacobian,
    },
    ['jacobian', 'pushforward', 'pullback'],
  ),
];
