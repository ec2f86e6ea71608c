/**
 * Multi-argument functions whose extra arguments are never differentiated. Each function appears
 * twice with one reference: with its data enclosed in the closure, and passed as `constant()`.
 * The results must not depend on which.
 */
import { NDArray, constant } from '@diffint/core';
import * as m from '@diffint/core/math';
import type { Scenario } from '../types.js';
import { matrix, matvec, scenariosFrom, vecmat, wave } from './derive.js';
import { enclosed } from './variants.js';

const family = 'constant';

// ---- a network whose parameters are data: x ↦ network(params) + x ----

const width = 32;
const depth = 4;
interface Layer {
  W: NDArray;
  b: Float64Array;
}
const network: Layer[] = Array.from({ length: depth }, (_, l) => ({
  W: new NDArray(
    Float64Array.from({ length: width * width }, (_, i) => (2 * wave(l + 20)(i)) / Math.sqrt(width)),
    [width, width],
  ),
  b: Float64Array.from({ length: width }, (_, i) => 0.1 * wave(l + 30)(i)),
}));
const input = Float64Array.from({ length: width }, (_, i) => wave(40)(i));

function run(layers: readonly { W: m.Value; b: m.Value }[], h: m.Value): m.Value {
  for (const { W, b } of layers) h = m.tanh(m.add(m.matvec(W, h), b));
  return h;
}

/** The same network in plain JS. */
const output = network.reduce(
  (h, { W, b }) => matvec(W, h).map((z, i) => Math.tanh(z + b[i]!)),
  Float64Array.from(input),
);
const outputSum = output.reduce((s, v) => s + v, 0);
const x0 = 0.5;
const xv = Float64Array.from({ length: width }, (_, i) => wave(41)(i));

// ---- least squares with data: f(x) = mean((A·x − y)²) ----

const rows = 8;
const cols = 4;
const A = matrix(rows, cols, (i, j) => wave(50)(i * cols + j));
const y = Float64Array.from({ length: rows }, (_, i) => wave(51)(i));
const xl = Float64Array.from({ length: cols }, (_, i) => 0.5 * wave(52)(i));
const residual = matvec(A, xl).map((r, i) => r - y[i]!);
const leastSquares = {
  x: xl,
  value: residual.reduce((s, r) => s + r * r, 0) / rows,
  // ∇f = (2/m) Aᵀ r,  H = (2/m) AᵀA
  jacobian: matrix(1, cols, (_, j) => (2 / rows) * vecmat(residual, A)[j]!),
  hessian: matrix(cols, cols, (i, j) => {
    let s = 0;
    for (let k = 0; k < rows; k++) s += A.data[k * cols + i]! * A.data[k * cols + j]!;
    return (2 / rows) * s;
  }),
};
const lsq = (x: m.Value, M: m.Value, t: m.Value) => m.mean(m.square(m.sub(m.matvec(M, x), t)));

/** Each function with its data passed as `constant()`; the enclosed form is derived from it. */
const passed: Scenario[] = [
  ...scenariosFrom(
    {
      name: 'network-sum-plus-x-passed',
      family,
      tags: ['constant'],
      f: (x: m.Value, layers: Layer[], h: Float64Array) => m.add(m.sum(run(layers, h)), x),
      contexts: [constant(network), constant(input)],
    },
    { x: x0, value: outputSum + x0, jacobian: matrix(1, 1, () => 1), secondDerivative: 0 },
    ['derivative', 'gradient', 'secondDerivative'],
  ),
  ...scenariosFrom(
    {
      name: 'network-plus-x-passed',
      family,
      tags: ['constant'],
      f: (x: m.Value, layers: Layer[]) => m.add(run(layers, input), x),
      contexts: [constant(network)],
    },
    { x: xv, value: output.map((o, i) => o + xv[i]!), jacobian: matrix(width, width, (i, j) => +(i === j)) },
    ['jacobian', 'pushforward', 'pullback'],
  ),
  ...scenariosFrom(
    {
      name: 'least-squares-passed',
      family,
      tags: ['constant'],
      f: lsq,
      contexts: [constant(A), constant(y)],
    },
    leastSquares,
    ['gradient', 'hessian', 'hvp'],
  ),
];

/** The constant family: data passed as `constant()`, and its enclosed forms. */
export const constantScenarios: Scenario[] = [
  ...passed.flatMap((s) => [
    enclosed(s, s.name.replace('-passed', '-enclosed'), { tags: ['constant', 'enclosed'] }),
    s,
  ]),
  ...scenariosFrom(
    {
      name: 'least-squares-passed-as-struct',
      family,
      tags: ['constant'],
      f: (x: m.Value, data: { A: NDArray; y: Float64Array }) => lsq(x, data.A, data.y),
      contexts: [constant({ A, y })],
    },
    leastSquares,
    ['gradient'],
  ),
];
