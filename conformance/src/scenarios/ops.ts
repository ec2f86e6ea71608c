/**
 * The wider op set — inverse trigonometric and hyperbolic functions, log1p, expm1, log2, log10,
 * erf, softplus, atan2, the piecewise-constant roundings — each differentiated by every engine
 * against its derivative written out here by hand: a scalar sum of one op per element (gradient,
 * Jacobian, Hessian, HVP), and the ops on a whole vector (Jacobian products); the reductions
 * (max, min, prod, cumsum, logsumexp, softmax, logSoftmax, norm), clip and setSlice, at ties,
 * zeros and large inputs too.
 */
import { NDArray } from '@diffint/core';
import * as m from '@diffint/core/math';
import type { Operator, Scenario } from '../types.js';
import { type Analytic, matrix, scenariosFrom } from './derive.js';

const family = 'ops';
const firstOrder: Operator[] = ['jacobian', 'pushforward', 'pullback'];
const scalarOps: Operator[] = ['gradient', 'jacobian', 'pushforward', 'pullback', 'hessian', 'hvp'];
const SQRT_PI = Math.sqrt(Math.PI);

/** One elementwise op: portable math, and its value, first and second derivative by hand. */
interface Term {
  readonly name: string;
  readonly op: (x: m.Value) => m.Value;
  readonly at: number;
  readonly f: (x: number) => number;
  readonly d1: (x: number) => number;
  readonly d2: (x: number) => number;
}

const terms: Term[] = [
  {
    name: 'atan',
    op: m.atan,
    at: 0.7,
    f: Math.atan,
    d1: (x) => 1 / (1 + x * x),
    d2: (x) => (-2 * x) / (1 + x * x) ** 2,
  },
  {
    name: 'asin',
    op: m.asin,
    at: 0.4,
    f: Math.asin,
    d1: (x) => 1 / Math.sqrt(1 - x * x),
    d2: (x) => x / (1 - x * x) ** 1.5,
  },
  {
    name: 'acos',
    op: m.acos,
    at: -0.3,
    f: Math.acos,
    d1: (x) => -1 / Math.sqrt(1 - x * x),
    d2: (x) => -x / (1 - x * x) ** 1.5,
  },
  { name: 'sinh', op: m.sinh, at: 0.9, f: Math.sinh, d1: Math.cosh, d2: Math.sinh },
  { name: 'cosh', op: m.cosh, at: -0.6, f: Math.cosh, d1: Math.sinh, d2: Math.cosh },
  {
    name: 'asinh',
    op: m.asinh,
    at: 1.3,
    f: Math.asinh,
    d1: (x) => 1 / Math.sqrt(x * x + 1),
    d2: (x) => -x / (x * x + 1) ** 1.5,
  },
  {
    name: 'acosh',
    op: m.acosh,
    at: 1.8,
    f: Math.acosh,
    d1: (x) => 1 / Math.sqrt(x * x - 1),
    d2: (x) => -x / (x * x - 1) ** 1.5,
  },
  {
    name: 'atanh',
    op: m.atanh,
    at: 0.35,
    f: Math.atanh,
    d1: (x) => 1 / (1 - x * x),
    d2: (x) => (2 * x) / (1 - x * x) ** 2,
  },
  {
    name: 'log1p',
    op: m.log1p,
    at: 0.25,
    f: Math.log1p,
    d1: (x) => 1 / (1 + x),
    d2: (x) => -1 / (1 + x) ** 2,
  },
  { name: 'expm1', op: m.expm1, at: -0.4, f: Math.expm1, d1: Math.exp, d2: Math.exp },
  {
    name: 'log2',
    op: m.log2,
    at: 1.7,
    f: Math.log2,
    d1: (x) => 1 / (x * Math.LN2),
    d2: (x) => -1 / (x * x * Math.LN2),
  },
  {
    name: 'log10',
    op: m.log10,
    at: 2.2,
    f: Math.log10,
    d1: (x) => 1 / (x * Math.LN10),
    d2: (x) => -1 / (x * x * Math.LN10),
  },
  {
    name: 'erf',
    op: m.erf,
    at: 0.6,
    // erf(0.6), from Python's math.erf: the kernel is checked, not restated
    f: () => 0.6038560908479259,
    d1: (x) => (2 / SQRT_PI) * Math.exp(-x * x),
    d2: (x) => (-4 * x * Math.exp(-x * x)) / SQRT_PI,
  },
  {
    name: 'softplus',
    op: m.softplus,
    at: -1.2,
    f: (x) => Math.log(1 + Math.exp(x)),
    d1: (x) => 1 / (1 + Math.exp(-x)),
    d2: (x) => Math.exp(-x) / (1 + Math.exp(-x)) ** 2,
  },
  // Piecewise constant, times x: derivative op(x) (the op's own is 0), second derivative 0.
  {
    name: 'floor',
    op: (x) => m.mul(m.floor(x), x),
    at: 1.6,
    f: (x) => Math.floor(x) * x,
    d1: Math.floor,
    d2: () => 0,
  },
  {
    name: 'ceil',
    op: (x) => m.mul(m.ceil(x), x),
    at: -1.4,
    f: (x) => Math.ceil(x) * x,
    d1: Math.ceil,
    d2: () => 0,
  },
  { name: 'round', op: (x) => m.mul(m.round(x), x), at: 2.3, f: (x) => 2 * x, d1: () => 2, d2: () => 0 },
  {
    name: 'trunc',
    op: (x) => m.mul(m.trunc(x), x),
    at: -2.7,
    f: (x) => Math.trunc(x) * x,
    d1: Math.trunc,
    d2: () => 0,
  },
  {
    // stopGradient of a piecewise constant: the same derivative whether or not it is held constant
    name: 'stopGradient',
    op: (x) => m.mul(m.stopGradient(m.round(x)), m.square(x)),
    at: 0.8,
    f: (x) => x * x,
    d1: (x) => 2 * x,
    d2: () => 2,
  },
];

/** atan2(x₀, x₁) after the terms: the angle of (x₁, x₀). */
const y0 = 0.8;
const x0 = -0.5;
const r = y0 * y0 + x0 * x0;

function sumOfTerms(): Analytic {
  const n = terms.length + 2;
  const x = Float64Array.from([...terms.map((t) => t.at), y0, x0]);
  const grad = [...terms.map((t) => t.d1(t.at)), x0 / r, -y0 / r];
  const hessian = matrix(n, n, (i, j) => {
    if (i < terms.length) return i === j ? terms[i]!.d2(terms[i]!.at) : 0;
    if (j < terms.length) return 0;
    const k = terms.length;
    if (i === k && j === k) return (-2 * y0 * x0) / (r * r);
    if (i === k + 1 && j === k + 1) return (2 * y0 * x0) / (r * r);
    return (y0 * y0 - x0 * x0) / (r * r);
  });
  return {
    x,
    value: terms.reduce((s, t) => s + t.f(t.at), 0) + Math.atan2(y0, x0),
    jacobian: matrix(1, n, (_, j) => grad[j]!),
    hessian,
  };
}

const sumOf = (x: m.Value) =>
  terms.reduce<m.Value>(
    (s, t, k) => m.add(s, t.op(m.get(x, k))),
    m.atan2(m.get(x, terms.length), m.get(x, terms.length + 1)),
  );

/** The smooth ops applied to a whole vector (shifted into each one's domain), stacked. */
const vectorOps: [(x: m.Value) => m.Value, (x: number) => number, (x: number) => number][] = [
  [(x) => m.atan(x), Math.atan, (x) => 1 / (1 + x * x)],
  [(x) => m.asinh(x), Math.asinh, (x) => 1 / Math.sqrt(x * x + 1)],
  [(x) => m.atanh(x), Math.atanh, (x) => 1 / (1 - x * x)],
  [(x) => m.acosh(m.add(x, 2)), (x) => Math.acosh(x + 2), (x) => 1 / Math.sqrt((x + 2) ** 2 - 1)],
  [(x) => m.log1p(x), Math.log1p, (x) => 1 / (1 + x)],
  [(x) => m.softplus(m.mul(4, x)), (x) => Math.log1p(Math.exp(4 * x)), (x) => 4 / (1 + Math.exp(-4 * x))],
  [(x) => m.atan2(x, 0.5), (x) => Math.atan2(x, 0.5), (x) => 0.5 / (x * x + 0.25)],
];
const xv = Float64Array.of(-0.45, 0.1, 0.6);

function vectorAnalytic(): Analytic {
  const n = xv.length;
  return {
    x: xv,
    value: Float64Array.from(vectorOps.flatMap(([, f]) => Array.from(xv, f))),
    jacobian: matrix(vectorOps.length * n, n, (i, j) => {
      const [, , d] = vectorOps[Math.floor(i / n)]!;
      return i % n === j ? d(xv[j]!) : 0;
    }),
  };
}

// ---- reductions, clip, setSlice ----

const softmaxOf = (x: readonly number[]) => {
  const c = Math.max(...x);
  const e = x.map((t) => Math.exp(t - c));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((t) => t / total);
};
const xs = [0.3, -1.2, 2, 0.7];
const ps = softmaxOf(xs);
const softmaxJacobian = (p: readonly number[]) =>
  matrix(p.length, p.length, (i, j) => (i === j ? p[i]! : 0) - p[i]! * p[j]!);

/** A scalar f of a vector x with its gradient and Hessian (entry by entry), as an Analytic. */
const scalarAt = (
  x: readonly number[],
  value: number,
  grad: readonly number[],
  hess?: (i: number, j: number) => number,
): Analytic => ({
  x: Float64Array.from(x),
  value,
  jacobian: matrix(1, x.length, (_, j) => grad[j]!),
  ...(hess === undefined ? {} : { hessian: matrix(x.length, x.length, hess) }),
});

// e^100 overflows float32: only the shifted sum is finite on tfjs (float64's limit, e^709, in core's tests).
const big = [100, 101, 99];
const pBig = softmaxOf(big);
const xProd = [2, 0, 5, 3];
const prodWithout = (skip: readonly number[]) => xProd.reduce((p, e, k) => (skip.includes(k) ? p : p * e), 1);
const xNorm = [3, -4, 1.5];
const n2 = Math.sqrt(9 + 16 + 2.25);
const xClip = [-3, -1, 0.5, 2, 5];
const X = Float64Array.of(0.3, -1.2, 2, 0.9, 0.1, -0.5);

const reductionBases: Scenario[] = [
  ...scenariosFrom(
    { name: 'logsumexp', family, tags: ['ops'], f: (x: m.Value) => m.logsumexp(x) },
    scalarAt(
      xs,
      Math.log(xs.reduce((t, e) => t + Math.exp(e), 0)),
      ps,
      (i, j) => softmaxJacobian(ps).data[i * ps.length + j]!,
    ),
    scalarOps,
  ),
  ...scenariosFrom(
    { name: 'logsumexp-large', family, tags: ['ops'], f: (x: m.Value) => m.logsumexp(x) },
    scalarAt(big, 101 + Math.log(1 + Math.exp(-1) + Math.exp(-2)), pBig),
    ['gradient', 'pullback'],
  ),
  ...scenariosFrom(
    { name: 'softmax', family, tags: ['ops'], f: (x: m.Value) => m.softmax(x) },
    { x: Float64Array.from(xs), value: Float64Array.from(ps), jacobian: softmaxJacobian(ps) },
    firstOrder,
  ),
  ...scenariosFrom(
    { name: 'logSoftmax', family, tags: ['ops'], f: (x: m.Value) => m.logSoftmax(x) },
    {
      x: Float64Array.from(xs),
      value: Float64Array.from(ps, (p) => Math.log(p)),
      jacobian: matrix(4, 4, (i, j) => (i === j ? 1 : 0) - ps[j]!),
    },
    firstOrder,
  ),
  ...scenariosFrom(
    // A zero element: the partials are products of the others, with no division by x.
    { name: 'prod-with-zero', family, tags: ['ops'], f: (x: m.Value) => m.prod(x) },
    scalarAt(
      xProd,
      0,
      xProd.map((_, i) => prodWithout([i])),
      (i, j) => (i === j ? 0 : prodWithout([i, j])),
    ),
    scalarOps,
  ),
  ...scenariosFrom(
    // Rows' maxima and columns' minima of a [2, 3] matrix, all distinct.
    {
      name: 'max-min-axis',
      family,
      tags: ['ops'],
      f: (x: m.Value) => {
        const M = m.reshape(x, [2, 3]);
        return m.concat([m.max(M, 1), m.min(M, 0), m.reshape(m.max(M), [1])]);
      },
    },
    {
      x: X,
      value: Float64Array.of(2, 0.9, 0.3, -1.2, -0.5, 2),
      jacobian: matrix(6, 6, (i, j) => +([2, 3, 0, 1, 5, 2][i] === j)),
    },
    firstOrder,
  ),
  ...scenariosFrom(
    // A tie of two: ½ each, the average of the one-sided derivatives (central differences agree).
    { name: 'max-ties', family, tags: ['ops', 'kinks'], f: (x: m.Value) => m.max(x) },
    scalarAt([3, 1, 3], 3, [0.5, 0, 0.5]),
    ['gradient', 'jacobian', 'pushforward', 'pullback'],
  ),
  ...scenariosFrom(
    { name: 'cumsum-axis', family, tags: ['ops'], f: (x: m.Value) => m.cumsum(m.reshape(x, [2, 3]), 1) },
    {
      x: X,
      value: new NDArray(Float64Array.of(0.3, -0.9, 1.1, 0.9, 1, 0.5), [2, 3]),
      jacobian: matrix(6, 6, (i, j) => +(Math.floor(i / 3) === Math.floor(j / 3) && j % 3 <= i % 3)),
    },
    firstOrder,
  ),
  ...scenariosFrom(
    {
      name: 'norms',
      family,
      tags: ['ops'],
      f: (x: m.Value) =>
        m.add(m.add(m.norm(x), m.mul(0.5, m.norm(x, 1))), m.mul(0.25, m.norm(x, Number.POSITIVE_INFINITY))),
    },
    scalarAt(
      xNorm,
      n2 + 0.5 * 8.5 + 0.25 * 4,
      xNorm.map((e, i) => e / n2 + 0.5 * Math.sign(e) + (i === 1 ? -0.25 : 0)),
      (i, j) => ((i === j ? 1 : 0) - (xNorm[i]! * xNorm[j]!) / (n2 * n2)) / n2,
    ),
    scalarOps,
  ),
  ...scenariosFrom(
    // At 0 the 2-norm's derivative is 0, the average of its one-sided derivatives.
    { name: 'norm-at-zero', family, tags: ['ops', 'kinks'], f: (x: m.Value) => m.norm(x) },
    scalarAt([0, 0, 0], 0, [0, 0, 0]),
    ['gradient', 'jacobian', 'pullback'],
  ),
  ...scenariosFrom(
    // Inside 1, outside 0, at either bound ½.
    { name: 'clip', family, tags: ['ops', 'kinks'], f: (x: m.Value) => m.sum(m.clip(x, -1, 2)) },
    scalarAt(xClip, -1 - 1 + 0.5 + 2 + 2, [0, 0.5, 1, 0.5, 0]),
    ['gradient', 'jacobian', 'pullback'],
  ),
  ...scenariosFrom(
    // x with x₁, x₂ replaced by x₃², x₄²: f = [x₀, x₃², x₄², x₃, x₄]
    {
      name: 'setSlice',
      family,
      tags: ['ops'],
      f: (x: m.Value) => m.setSlice(x, 1, m.square(m.slice(x, 3, 5))),
    },
    {
      x: Float64Array.of(0.5, -1, 2, 1.5, -0.7),
      value: Float64Array.of(0.5, 2.25, 0.49, 1.5, -0.7),
      jacobian: matrix(5, 5, (i, j) => {
        if (i === 1) return j === 3 ? 3 : 0;
        if (i === 2) return j === 4 ? -1.4 : 0;
        return +(i === j);
      }),
    },
    firstOrder,
  ),
];

const bases: Scenario[] = [
  ...reductionBases,
  ...scenariosFrom({ name: 'elementwise-sum', family, tags: ['ops'], f: sumOf }, sumOfTerms(), scalarOps),
  ...scenariosFrom(
    {
      name: 'elementwise-vector',
      family,
      tags: ['ops'],
      f: (x: m.Value) => m.concat(vectorOps.map(([op]) => op(x))),
    },
    vectorAnalytic(),
    firstOrder,
  ),
];

/** The wider op set's scenarios. */
export const opsScenarios: Scenario[] = bases;
