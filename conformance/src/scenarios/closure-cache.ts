/**
 * Functions that close over mutable scratch memory: the reason diffint exists. Written with a
 * `buffer` (or a `cache()` context) they must be differentiated correctly on every backend;
 * written into a plain `Float64Array` they must be refused (`TracedValueError`), except by a
 * backend that runs f on plain numbers, which differentiates them.
 */
import { type Buffer, ErrorCode, NDArray, buffer, cache, constant } from '@diffint/core';
import * as m from '@diffint/core/math';
import type { Scenario } from '../types.js';
import { matrix, scenariosFrom, wave } from './derive.js';

const family = 'closure-cache';

// ---- the motivating example: a[0] = 1; a[0] += x; a[0]² ----

const a = buffer(1);
const motivating = (x: m.Value) => {
  a.set(0, 1);
  a.set(0, m.add(a.get(0), x));
  return m.square(a.get(0));
};
const x0 = 2;

// ---- a vector version: running sums S_k = Σ_{i≤k} x_i written into an enclosed buffer ----

const n = 5;
const sums = buffer(n);
const writeRunningSums = (x: m.Value) => {
  sums.set(0, m.get(x, 0));
  for (let i = 1; i < n; i++) sums.set(i, m.add(sums.get(i - 1), m.get(x, i)));
};
const xs = Float64Array.from({ length: n }, (_, i) => 0.5 + wave(1)(i));
const S = xs.map((_, k) => xs.slice(0, k + 1).reduce((s, v) => s + v, 0));

// ---- scalar code: a linear recurrence s_{i+1} = a(x_i)·s_i + b(x_i), element by element ----

// a(x) = √(1 + x²) / 2 and b(x) = sin(x)·e^(−x) + log(2 + x): most scalar ops, read and written
// through a buffer one element at a time, as scalar code (an ODE step, a recurrence) is.
const steps = 5;
const state = buffer(steps + 1);
const recurrence = (x: m.Value) => {
  state.set(0, 1);
  for (let i = 0; i < steps; i++) {
    const xi = m.get(x, i);
    const a = m.div(m.sqrt(m.add(1, m.square(xi))), 2);
    const b = m.add(m.mul(m.sin(xi), m.exp(m.neg(xi))), m.log(m.add(2, xi)));
    state.set(i + 1, m.add(m.mul(state.get(i), a), b));
  }
  return state.get(steps);
};
const xr = Float64Array.of(0.3, -0.7, 1.1, 0.45, -0.2);

/**
 * f = s_n is linear in each s_{j+1} with coefficient Π_{k>j} a_k, and s_j does not depend on
 * x_j: ∂f/∂x_j = (a′_j s_j + b′_j) Π_{k>j} a_k, ∂²f/∂x_j² = (a″_j s_j + b″_j) Π_{k>j} a_k and,
 * for j < l, ∂²f/∂x_j∂x_l = (a′_j s_j + b′_j) a′_l Π_{k>j, k≠l} a_k.
 */
function recurrenceReference(x: Float64Array) {
  const a = x.map((v) => Math.sqrt(1 + v * v) / 2);
  const a1 = x.map((v) => v / (2 * Math.sqrt(1 + v * v)));
  const a2 = x.map((v) => 1 / (2 * (1 + v * v) ** 1.5));
  const b = x.map((v) => Math.sin(v) * Math.exp(-v) + Math.log(2 + v));
  const b1 = x.map((v) => Math.exp(-v) * (Math.cos(v) - Math.sin(v)) + 1 / (2 + v));
  const b2 = x.map((v) => -2 * Math.exp(-v) * Math.cos(v) - 1 / (2 + v) ** 2);
  const s = [1];
  for (let i = 0; i < steps; i++) s.push(a[i]! * s[i]! + b[i]!);
  const product = (from: number, skip: number) => {
    let p = 1;
    for (let k = from; k < steps; k++) if (k !== skip) p *= a[k]!;
    return p;
  };
  const hessian = (j: number, l: number): number => {
    if (j > l) return hessian(l, j);
    if (j === l) return (a2[j]! * s[j]! + b2[j]!) * product(j + 1, -1);
    return (a1[j]! * s[j]! + b1[j]!) * a1[l]! * product(j + 1, l);
  };
  return {
    x,
    value: s[steps]!,
    jacobian: matrix(1, steps, (_, j) => (a1[j]! * s[j]! + b1[j]!) * product(j + 1, -1)),
    hessian: matrix(steps, steps, hessian),
    states: Float64Array.from(s),
  };
}
const recurrenceAt = recurrenceReference(xr);

// ---- a 2-D Brusselator on an N×N periodic grid; the Laplacian D·U + U·D goes through two caches ----

const N = 4;
const cells = N * N;
const p = { A: 1, B: 3, alpha: 0.1 };
type Params = typeof p;
/** The periodic 1-D second difference. */
const D = matrix(N, N, (i, j) => (i === j ? -2 : j === (i + 1) % N || j === (i + N - 1) % N ? 1 : 0));

function brusselator(x: m.Value, q: Params, left: Buffer, right: Buffer): m.Value {
  const U = m.reshape(m.slice(x, 0, cells), [N, N]);
  const V = m.reshape(m.slice(x, cells, 2 * cells), [N, N]);
  // The same two caches serve both fields: later reads must see the later writes.
  left.assign(m.matmul(D, U));
  right.assign(m.matmul(U, D));
  const lapU = m.add(left.read(), right.read());
  left.assign(m.matmul(D, V));
  right.assign(m.matmul(V, D));
  const lapV = m.add(left.read(), right.read());
  const uuv = m.mul(m.square(U), V);
  const du = m.add(m.sub(m.add(q.A, uuv), m.mul(q.B + 1, U)), m.mul(q.alpha, lapU));
  const dv = m.add(m.sub(m.mul(q.B, U), uuv), m.mul(q.alpha, lapV));
  return m.concat([m.reshape(du, [cells]), m.reshape(dv, [cells])]);
}

const left = buffer([N, N]);
const right = buffer([N, N]);
const u0 = Float64Array.from({ length: 2 * cells }, (_, k) => (k < cells ? 1 : 2) + 0.3 * wave(2)(k));

/** The five-point stencil, written cell by cell: independent of the matmul formulation. */
const stencil = [
  [0, 0, -4],
  [1, 0, 1],
  [-1, 0, 1],
  [0, 1, 1],
  [0, -1, 1],
] as const;
const cell = (i: number, j: number) => ((i + N) % N) * N + ((j + N) % N);
const laplacian = (f: (k: number) => number, i: number, j: number) =>
  stencil.reduce((s, [di, dj, w]) => s + w * f(cell(i + di, j + dj)), 0);

function brusselatorReference(x: Float64Array) {
  const value = new Float64Array(2 * cells);
  const J = matrix(2 * cells, 2 * cells, () => 0);
  const add = (r: number, c: number, v: number) => {
    J.data[r * 2 * cells + c]! += v;
  };
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const k = cell(i, j);
      const u = x[k]!;
      const v = x[cells + k]!;
      value[k] = p.A + u * u * v - (p.B + 1) * u + p.alpha * laplacian((c) => x[c]!, i, j);
      value[cells + k] = p.B * u - u * u * v + p.alpha * laplacian((c) => x[cells + c]!, i, j);
      add(k, k, 2 * u * v - (p.B + 1));
      add(k, cells + k, u * u);
      add(cells + k, k, p.B - 2 * u * v);
      add(cells + k, cells + k, -u * u);
      for (const [di, dj, w] of stencil) {
        add(k, cell(i + di, j + dj), p.alpha * w);
        add(cells + k, cells + cell(i + di, j + dj), p.alpha * w);
      }
    }
  }
  return { x, value, jacobian: J };
}
const rhs = brusselatorReference(u0);
/** D·V, the last thing written into `left`: column neighbours only. */
const lastLeft = matrix(N, N, (i, j) => {
  const v = (r: number) => u0[cells + cell(r, j)]!;
  return v(i + 1) + v(i - 1) - 2 * v(i);
});

// ---- the refusal: the same arithmetic over plain Float64Arrays ----

const plain = new Float64Array(1);
const plainVector = new Float64Array(3);
const refused = { default: { throws: ErrorCode.TracedValue }, runsOnPlainValues: 'reference' } as const;

/** The closure-cache family: f writing into enclosed buffers and caches, and the refusals of plain-array writes. */
export const closureCacheScenarios: Scenario[] = [
  ...scenariosFrom(
    {
      name: 'motivating',
      family,
      tags: ['closure-cache', 'buffer'],
      f: motivating,
      after: { what: 'a[0] = 1 + x', read: () => a.read(), expected: Float64Array.of(1 + x0) },
    },
    {
      x: x0,
      value: (1 + x0) ** 2,
      jacobian: matrix(1, 1, () => 2 * (1 + x0)),
      hessian: matrix(1, 1, () => 2),
      secondDerivative: 2,
    },
    ['derivative', 'gradient', 'pullback', 'secondDerivative', 'hessian'],
  ),
  ...scenariosFrom(
    {
      name: 'running-sums',
      family,
      tags: ['closure-cache', 'buffer'],
      f: (x: m.Value) => {
        writeRunningSums(x);
        return m.sum(m.square(sums.read()));
      },
      after: { what: 'the running sums of x', read: () => sums.read(), expected: S },
    },
    {
      x: xs,
      // f = Σ_k S_k²: ∂f/∂x_j = 2 Σ_{k≥j} S_k, ∂²f/∂x_j∂x_l = 2 (n − max(j, l))
      value: S.reduce((s, v) => s + v * v, 0),
      jacobian: matrix(1, n, (_, j) => 2 * S.slice(j).reduce((s, v) => s + v, 0)),
      hessian: matrix(n, n, (j, l) => 2 * (n - Math.max(j, l))),
    },
    ['gradient', 'pullback', 'hessian', 'hvp'],
  ),
  ...scenariosFrom(
    {
      name: 'running-sums-output',
      family,
      tags: ['closure-cache', 'buffer'],
      f: (x: m.Value) => {
        writeRunningSums(x);
        return sums.read();
      },
    },
    { x: xs, value: S, jacobian: matrix(n, n, (k, i) => (i <= k ? 1 : 0)) },
    ['jacobian', 'pushforward', 'pullback'],
  ),
  ...scenariosFrom(
    {
      name: 'scalar-recurrence',
      family,
      tags: ['closure-cache', 'buffer', 'scalar'],
      f: recurrence,
      after: { what: 'the states s_0 … s_n', read: () => state.read(), expected: recurrenceAt.states },
    },
    recurrenceAt,
    ['gradient', 'pullback', 'hessian', 'hvp'],
  ),
  ...scenariosFrom(
    {
      name: 'brusselator',
      family,
      tags: ['closure-cache', 'buffer', 'matmul'],
      f: (x: m.Value) => brusselator(x, p, left, right),
      after: { what: 'the enclosed cache holds D·V', read: () => left.read(), expected: lastLeft },
    },
    rhs,
    ['jacobian', 'pushforward', 'pullback'],
  ),
  ...scenariosFrom(
    {
      name: 'brusselator-in-place',
      family,
      tags: ['closure-cache', 'buffer', 'matmul', 'in-place', 'constant'],
      f: (du: Buffer, x: m.Value, q: Params) => du.assign(brusselator(x, q, left, right)),
      inPlace: 2 * cells,
      contexts: [constant(p)],
    },
    rhs,
    ['jacobian', 'pushforward', 'pullback'],
  ),
  ...scenariosFrom(
    {
      name: 'brusselator-cache-contexts',
      family,
      tags: ['closure-cache', 'cache', 'matmul', 'constant'],
      f: (x: m.Value, q: Params, l: Buffer, r: Buffer) => brusselator(x, q, l, r),
      contexts: [constant(p), cache([N, N]), cache([N, N])],
    },
    rhs,
    ['jacobian', 'pushforward', 'pullback'],
  ),
  ...scenariosFrom(
    {
      name: 'brusselator-in-place-cache-contexts',
      family,
      tags: ['closure-cache', 'cache', 'matmul', 'in-place', 'constant'],
      f: (du: Buffer, x: m.Value, q: Params, l: Buffer, r: Buffer) => du.assign(brusselator(x, q, l, r)),
      inPlace: new Float64Array(2 * cells),
      contexts: [constant(p), cache(NDArray.zeros([N, N])), cache([N, N])],
    },
    rhs,
    ['jacobian', 'pullback'],
  ),
  ...scenariosFrom(
    {
      name: 'plain-array-refused',
      family,
      tags: ['closure-cache', 'refusal'],
      f: (x: m.Value) => {
        plain[0] = 1;
        plain[0] = m.add(plain[0], x) as number;
        return m.square(plain[0]);
      },
      expect: refused,
    },
    { x: x0, value: (1 + x0) ** 2, jacobian: matrix(1, 1, () => 2 * (1 + x0)) },
    ['derivative'],
  ),
  ...scenariosFrom(
    {
      name: 'plain-vector-refused',
      family,
      tags: ['closure-cache', 'refusal'],
      f: (x: m.Value) => {
        for (let i = 0; i < plainVector.length; i++) plainVector[i] = m.mul(m.get(x, i), 2) as number;
        return m.sum(m.square(plainVector));
      },
      expect: refused,
    },
    {
      x: Float64Array.of(0.5, -1, 2),
      value: 4 * (0.25 + 1 + 4),
      jacobian: matrix(1, 3, (_, j) => 8 * [0.5, -1, 2][j]!),
    },
    ['gradient'],
  ),
];
