/**
 * Kinks, jumps and IEEE values, by the derivative conventions of the float64 engines:
 * - a kink gets the average of its one-sided derivatives (what central differences give):
 *   abs′(0) = 0, a tie of `maximum`/`minimum` gives ½ to each argument (relu′(0) = ½),
 *   `pow(x, 0)` has derivative 0 at x = 0, ∂/∂b a^b = 0 where a ≤ 0;
 * - piecewise-constant ops (`sign`, comparisons) have derivative 0, at their jumps too;
 * - products in derivative rules treat an exact zero as annihilating (0 × ∞ = 0 × NaN = 0), so an
 *   unselected `where` branch and a zero (co)tangent contribute exactly zero;
 * - NaN and ±∞ propagate through every primal kernel (0 × NaN is NaN in `matvec`).
 * Where an engine cannot follow them, its expectation says so by capability: finite differences
 * across a jump (`runsOnPlainValues`) and TensorFlow.js's IEEE products (`ieeeProducts`).
 */
import { NDArray } from '@diffint/core';
import * as m from '@diffint/core/math';
import { unspecified } from '../tree.js';
import type { Expectation, Operator, Scenario } from '../types.js';
import { type Analytic, matrix, scenariosFrom } from './derive.js';
import { withVariants } from './variants.js';

const family = 'kinks';
const firstOrder: Operator[] = ['gradient', 'jacobian', 'pushforward', 'pullback'];
const v = (...xs: number[]) => Float64Array.from(xs);
const row = (g: Float64Array) => matrix(1, g.length, (_, j) => g[j]!);
const diagonal = (d: Float64Array) => matrix(d.length, d.length, (i, j) => (i === j ? d[i]! : 0));

/** f = Σ g(xᵢ) at x, with g′ given per element. */
function sumOf(x: Float64Array, value: number, gradient: Float64Array, hessian?: Float64Array): Analytic {
  return {
    x,
    value,
    jacobian: row(gradient),
    ...(hessian === undefined ? {} : { hessian: diagonal(hessian) }),
  };
}

/**
 * A difference across a jump is not a derivative (it grows like 1/h): on an engine that
 * differentiates by differences of f the result is not checked, only its structure and f(x).
 */
function acrossJumps(s: Scenario): Scenario {
  const expect: Expectation = {
    ...s.expect,
    runsOnPlainValues: { reference: { ...s.reference, result: unspecified(s.reference.result) } },
  };
  return { ...s, expect };
}

// ---- kinks ----

const xAbs = v(0, 1.5, -2);
const xTie = v(0.5, 1, -1);
const cTie = v(0.5, 2, -1);
const xRelu = v(0, 2, -1);

// ---- where: the unselected branch has a NaN or infinite derivative ----

const xWhere = v(-1, 4, -0.25);
/** where(x > 0, √x, x): √ has a NaN derivative on the unselected side. */
const whereSqrt = (x: m.Value) => m.where(m.greater(x, 0), m.sqrt(x), x);
/** where(x > ½, log x, 3x) at 0: log 0 = −∞ and log′ 0 = ∞, both unselected. */
const whereLog = (x: m.Value) => m.where(m.greater(x, 0.5), m.log(x), m.mul(3, x));

// ---- jumps: sign and the comparisons ----

/** x₀ + sign(x₁) + (x₂ > 0) + (x₃ < 0) + (x₄ ≥ 0) + (x₅ ≤ 0) + (x₆ = 0): ∇ = e₀ everywhere. */
const jumps = (x: m.Value) =>
  [
    m.sign(m.get(x, 1)),
    m.greater(m.get(x, 2), 0),
    m.less(m.get(x, 3), 0),
    m.greaterEqual(m.get(x, 4), 0),
    m.lessEqual(m.get(x, 5), 0),
    m.equal(m.get(x, 6), 0),
  ].reduce<m.Value>((s, t) => m.add(s, t), m.get(x, 0));
const e0 = v(1, 0, 0, 0, 0, 0, 0);

// ---- IEEE propagation through the matrix kernels ----

const M = matrix(2, 2, (i, j) => [0, 1, 2, 0][i * 2 + j]!);
const A = matrix(2, 2, (i, j) => +(i !== j));
const Xinf = new NDArray(v(Number.POSITIVE_INFINITY, 1, 2, 3), [2, 2]);
/** A plain constant whose product is NaN only if the kernel does not skip the zero. */
const M0 = matrix(1, 2, (_, j) => j);
const v0 = v(Number.NaN, 1);

const bases: Scenario[] = [
  ...scenariosFrom(
    { name: 'abs-at-zero', family, tags: ['kinks'], f: (x: m.Value) => m.sum(m.abs(x)) },
    sumOf(xAbs, 3.5, v(0, 1, -1)),
    firstOrder,
  ),
  ...scenariosFrom(
    { name: 'abs-at-zero-scalar', family, tags: ['kinks', 'scalar'], f: m.abs },
    { x: 0, value: 0, jacobian: matrix(1, 1, () => 0) },
    ['derivative'],
  ),
  ...scenariosFrom(
    // Ties at 0 and 2: ½ each; x₁ = 1 < 2 gives its derivative to the constant.
    { name: 'maximum-ties', family, tags: ['kinks'], f: (x: m.Value) => m.sum(m.maximum(x, cTie)) },
    sumOf(xTie, 0.5 + 2 - 1, v(0.5, 0, 0.5)),
    firstOrder,
  ),
  ...scenariosFrom(
    { name: 'minimum-ties', family, tags: ['kinks'], f: (x: m.Value) => m.sum(m.minimum(x, cTie)) },
    sumOf(xTie, 0.5 + 1 - 1, v(0.5, 1, 0.5)),
    firstOrder,
  ),
  ...scenariosFrom(
    // Both arguments active and tied: ½ + ½ for max(a, b) at a = b, and for min.
    {
      name: 'maximum-minimum-active-tie',
      family,
      tags: ['kinks'],
      f: (x: m.Value) =>
        m.add(m.maximum(m.get(x, 0), m.get(x, 1)), m.mul(3, m.minimum(m.get(x, 0), m.get(x, 1)))),
    },
    sumOf(v(0.7, 0.7), 0.7 + 3 * 0.7, v(2, 2)),
    ['gradient', 'jacobian'],
  ),
  ...scenariosFrom(
    { name: 'relu-at-zero', family, tags: ['kinks'], f: (x: m.Value) => m.sum(m.relu(x)) },
    sumOf(xRelu, 2, v(0.5, 1, 0)),
    firstOrder,
  ),
  ...scenariosFrom(
    // x⁰ = 1 everywhere: derivative 0, at 0 too (b·a^(b−1) = 0 · ∞ with a strong zero; the
    // tfjs adapter's own rule for pow follows it).
    { name: 'pow-zero-exponent', family, tags: ['kinks', 'ieee'], f: (x: m.Value) => m.sum(m.pow(x, 0)) },
    sumOf(xAbs, 3, v(0, 0, 0)),
    firstOrder,
  ),
  ...scenariosFrom(
    // a^b at a = 0, b = 2: ∂/∂a = b·a^(b−1) = 0 and ∂/∂b = 0 (a ≤ 0).
    {
      name: 'pow-at-zero-base',
      family,
      tags: ['kinks'],
      f: (x: m.Value) => m.pow(m.get(x, 0), m.get(x, 1)),
    },
    sumOf(v(0, 2), 0, v(0, 0)),
    ['gradient', 'jacobian'],
  ),
  ...scenariosFrom(
    { name: 'where-unselected-sqrt', family, tags: ['kinks', 'where', 'ieee'], f: whereSqrt },
    { x: -1, value: -1, jacobian: matrix(1, 1, () => 1) },
    ['derivative'],
    { ieeeProducts: { x: -1, value: -1, jacobian: matrix(1, 1, () => Number.NaN) } },
  ),
  ...scenariosFrom(
    {
      name: 'where-unselected-sqrt-vector',
      family,
      tags: ['kinks', 'where', 'ieee'],
      f: (x: m.Value) => m.sum(whereSqrt(x)),
    },
    sumOf(xWhere, -1 + 2 - 0.25, v(1, 0.25, 1)),
    firstOrder,
    { ieeeProducts: sumOf(xWhere, -1 + 2 - 0.25, v(Number.NaN, 0.25, Number.NaN)) },
  ),
  ...scenariosFrom(
    { name: 'where-unselected-log', family, tags: ['kinks', 'where', 'ieee'], f: whereLog },
    { x: 0, value: 0, jacobian: matrix(1, 1, () => 3) },
    ['derivative'],
    { ieeeProducts: { x: 0, value: 0, jacobian: matrix(1, 1, () => Number.NaN) } },
  ),
  ...scenariosFrom(
    // where(x > 0, √x, x²) at −1: f′ = 2x, f″ = 2; the rules of the rules meet √′ and √″ too.
    {
      name: 'where-unselected-second-order',
      family,
      tags: ['kinks', 'where', 'ieee', 'second-order'],
      f: (x: m.Value) => m.where(m.greater(x, 0), m.sqrt(x), m.square(x)),
    },
    {
      x: -1,
      value: 1,
      jacobian: matrix(1, 1, () => -2),
      hessian: matrix(1, 1, () => 2),
      secondDerivative: 2,
    },
    ['secondDerivative', 'hessian'],
    {
      ieeeProducts: {
        x: -1,
        value: 1,
        jacobian: matrix(1, 1, () => Number.NaN),
        hessian: matrix(1, 1, () => Number.NaN),
        secondDerivative: Number.NaN,
      },
    },
  ),
  ...(['gradient', 'hessian', 'hvp'] as const).flatMap((op) =>
    scenariosFrom(
      {
        name: 'where-unselected-hvp',
        family,
        tags: ['kinks', 'where', 'ieee', 'second-order'],
        f: (x: m.Value) => m.sum(m.where(m.greater(x, 0.5), m.log(x), m.mul(x, m.square(x)))),
      },
      // Σ where(x > ½, log x, x³) at (−1, 2, 0): log is unselected at −1 (NaN) and 0 (−∞, ∞).
      sumOf(v(-1, 2, 0), -1 + Math.log(2), v(3, 0.5, 0), v(-6, -0.25, 0)),
      [op],
      {
        // IEEE: at 0, 0 · log′ 0 = 0 · ∞ is NaN (at −1 log′ is finite: only log itself is NaN).
        // It reaches the row of x₂ in H·t, and the column of x₂ in the Hessian, which
        // TensorFlow.js builds one column per unit tangent.
        ieeeProducts: {
          x: v(-1, 2, 0),
          value: -1 + Math.log(2),
          jacobian: row(v(3, 0.5, Number.NaN)),
          hessian: matrix(3, 3, (i, j) =>
            (op === 'hessian' ? j : i) === 2 ? Number.NaN : i !== j ? 0 : i === 0 ? -6 : -0.25,
          ),
        },
      },
    ),
  ),
  ...scenariosFrom(
    { name: 'sign-and-comparisons-at-jumps', family, tags: ['kinks', 'jump'], f: jumps },
    // sign(0) = 0; (0 > 0) = 0; (0 < 0) = 0; (0 ≥ 0) = 1; (0 ≤ 0) = 1; (0 = 0) = 1
    sumOf(v(0.25, 0, 0, 0, 0, 0, 0), 0.25 + 3, e0),
    ['gradient', 'jacobian', 'pullback'],
  ).map(acrossJumps),
  ...scenariosFrom(
    { name: 'sign-and-comparisons-away-from-jumps', family, tags: ['kinks'], f: jumps },
    // sign(−2) = −1; (1 > 0) = 1; (1 < 0) = 0; (−1 ≥ 0) = 0; (2 ≤ 0) = 0; (3 = 0) = 0
    sumOf(v(0.25, -2, 1, 1, -1, 2, 3), 0.25 - 1 + 1, e0),
    firstOrder,
  ),
];

/** f = M·x (or A·X) at a point where f is NaN or ∞: the derivative there is unspecified. */
function ieeePrimal(
  name: string,
  f: (x: m.Value) => m.Value,
  x: Float64Array | NDArray,
  value: Float64Array | NDArray,
  jacobian: NDArray,
): Scenario {
  return {
    id: `${family}/${name}/jacobian`,
    name,
    family,
    tags: ['kinks', 'ieee', 'matmul'],
    operator: 'jacobian',
    f,
    x,
    reference: { value, result: unspecified(jacobian) },
  };
}

const ieee: Scenario[] = [
  // [[0, 1], [2, 0]] · [NaN, 1] = [0·NaN + 1, 2·NaN] = [NaN, NaN]
  ieeePrimal('nan-through-matvec', (x) => m.matvec(M, x), v(Number.NaN, 1), v(Number.NaN, Number.NaN), M),
  // [[0, 1], [1, 0]] · [[∞, 1], [2, 3]] = [[0·∞ + 2, 3], [∞, 1]] = [[NaN, 3], [∞, 1]]
  ieeePrimal(
    'infinity-through-matmul',
    (X) => m.matmul(A, X),
    Xinf,
    new NDArray(v(Number.NaN, 3, Number.POSITIVE_INFINITY, 1), [2, 2]),
    matrix(4, 4, (r, c) => (Math.floor(c / 2) !== Math.floor(r / 2) && c % 2 === r % 2 ? 1 : 0)),
  ),
  // x + [[0, 1]]·[NaN, 1] on plain constants: the plain kernel must not skip the zero either.
  ieeePrimal(
    'nan-through-plain-matvec',
    (x) => m.add(x, m.matvec(M0, v0)),
    v(2),
    v(Number.NaN),
    matrix(1, 1, () => 1),
  ),
];

/** The zero seed meets an infinite partial: √′(0) = ∞, and 0 · ∞ contributes 0. */
const zeroSeed = (x: m.Value) => m.stack([m.add(m.get(x, 0), m.sqrt(m.get(x, 1))), m.get(x, 1)]);
const xSeed = v(1, 0);
const zeroSeeds: Scenario[] = [
  {
    id: `${family}/zero-tangent-on-infinite-partial/pushforward`,
    name: 'zero-tangent-on-infinite-partial',
    family,
    tags: ['kinks', 'ieee'],
    operator: 'pushforward',
    f: zeroSeed,
    x: xSeed,
    seeds: [v(1, 0), v(-2, 0)],
    // J = [[1, ∞], [0, 1]] and t = (t₀, 0): J·t = (t₀, 0).
    reference: { value: v(1, 0), result: [v(1, 0), v(-2, 0)] },
    expect: { ieeeProducts: { reference: { value: v(1, 0), result: [v(Number.NaN, 0), v(Number.NaN, 0)] } } },
  },
  {
    id: `${family}/zero-cotangent-on-infinite-partial/pullback`,
    name: 'zero-cotangent-on-infinite-partial',
    family,
    tags: ['kinks', 'ieee'],
    operator: 'pullback',
    f: zeroSeed,
    x: xSeed,
    seeds: [v(0, 1), v(0, -0.5)],
    // Jᵀ·(0, c₁) = (0, 0·∞ + c₁) = (0, c₁). Differences build J first (√(−h) makes an entry
    // NaN) and apply it with a strong zero too, so they agree.
    reference: { value: v(1, 0), result: [v(0, 1), v(0, -0.5)] },
    expect: {
      ieeeProducts: { reference: { value: v(1, 0), result: [v(0, Number.NaN), v(0, Number.NaN)] } },
    },
  },
];

/** The kinks family: the derivative conventions at kinks, jumps, ties and non-finite values. */
export const kinksScenarios: Scenario[] = [...withVariants(bases), ...ieee, ...zeroSeeds];
