/**
 * Functions with derivative rules of their own (`customRule`) and black boxes differentiated by a
 * backend of their own (`differentiateWith`): the rule, not f, gives the derivative on every AD
 * engine; finite differences call f. References are hand-written derivatives.
 */
import { type Engine, ErrorCode, customRule, differentiateWith } from '@diffint/core';
import * as m from '@diffint/core/math';
import type { Scenario } from '../types.js';
import { matrix, scenariosFrom } from './derive.js';
import { withVariants } from './variants.js';

const family = 'custom';
const v = (...xs: number[]) => Float64Array.from(xs);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** log(1 + eˣ) with the derivative σ(x) (its naive derivative is NaN for large x). */
const softplus: (x: m.Value) => m.Value = customRule((x: m.Value) => m.log(m.add(1, m.exp(x))), {
  name: 'softplus',
  jvp: ([x], [t]) => [softplus(x), m.mul(t, m.sigmoid(x))],
  vjp: ([x], ct) => [m.mul(ct, m.sigmoid(x))],
});
const xs = v(0.3, -1.2, 2);
/** Σ xᵢ softplus(xᵢ): ∂ᵢ = softplus(xᵢ) + xᵢσ(xᵢ), ∂ᵢᵢ = 2σ(xᵢ) + xᵢσ(xᵢ)(1 − σ(xᵢ)). */
const softplusTimesX = {
  x: xs,
  value: xs.reduce((s, x) => s + x * Math.log1p(Math.exp(x)), 0),
  jacobian: matrix(1, 3, (_, j) => Math.log1p(Math.exp(xs[j]!)) + xs[j]! * sigmoid(xs[j]!)),
  hessian: matrix(3, 3, (i, j) =>
    i === j ? 2 * sigmoid(xs[i]!) + xs[i]! * sigmoid(xs[i]!) * (1 - sigmoid(xs[i]!)) : 0,
  ),
};

/** a·sin(b) stating only a JVP: reverse mode derives the VJP by transposing it. */
const aSinB = customRule((a: m.Value, b: m.Value) => m.mul(a, m.sin(b)), {
  name: 'aSinB',
  jvp: ([a, b], [ta, tb]) => [m.mul(a, m.sin(b)), m.add(m.mul(ta, m.sin(b)), m.mul(m.mul(a, m.cos(b)), tb))],
});
const xab = v(1, -2, 0.5, 0.3, 1.1, -0.7);
const aSinBAt = {
  x: xab,
  value: v(...[0, 1, 2].map((i) => xab[i]! * Math.sin(xab[i + 3]!))),
  jacobian: matrix(3, 6, (i, j) =>
    j === i ? Math.sin(xab[i + 3]!) : j === i + 3 ? xab[i]! * Math.cos(xab[i + 3]!) : 0,
  ),
};

/**
 * Five-point central differences on plain values, (8(f₊ₕ − f₋ₕ) − (f₊₂ₕ − f₋₂ₕ)) / 12h, exact for
 * polynomials up to degree four: a minimal engine, so a black box is differentiated by a backend
 * of its own here without this package depending on one.
 */
const centralDifferences: Engine = {
  kind: 'engine',
  name: 'central differences',
  precision: 'float64',
  mode: 'forward',
  pushforward(f, xs, tangents) {
    const ys = f(xs);
    const at = (h: number, t: readonly m.Value[]) => f(xs.map((x, i) => m.add(x, m.mul(h, t[i]!))));
    const h = 1e-3;
    return {
      ys,
      results: tangents.map((t) => {
        const [p1, m1, p2, m2] = [at(h, t), at(-h, t), at(2 * h, t), at(-2 * h, t)];
        return p1.map((p, i) => m.div(m.sub(m.mul(8, m.sub(p, m1[i]!)), m.sub(p2[i]!, m2[i]!)), 12 * h));
      }),
    };
  },
};

/** One explicit Euler step of u′ᵢ = −uᵢ³ + ½ uᵢ₋₁ (cyclic), in plain JS over a scratch array. */
const scratch = new Float64Array(4);
const eulerStep = differentiateWith((u: Float64Array) => {
  const n = u.length;
  for (let i = 0; i < n; i++) scratch[i] = u[i]! + 0.1 * (-(u[i]! ** 3) + 0.5 * u[(i + n - 1) % n]!);
  return scratch;
}, centralDifferences);
const u = v(0.5, -1, 0.8, 0.2);
const stepOf = (u: Float64Array) =>
  u.map((x, i) => x + 0.1 * (-(x ** 3) + 0.5 * u[(i + u.length - 1) % u.length]!));
const stepJacobian = matrix(
  4,
  4,
  (i, j) => (i === j ? 1 - 0.3 * u[i]! ** 2 : 0) + (j === (i + 3) % 4 ? 0.05 : 0),
);
const y = stepOf(u);

/** A VJP rule whose cotangent has the wrong shape: refused by every engine that uses it. */
const wrongShape = customRule((x: m.Value) => m.sum(m.square(x)), {
  name: 'wrongShape',
  vjp: (_p, ct) => [m.mul(ct, v(1, 1))],
});

const bases: Scenario[] = [
  ...scenariosFrom(
    {
      name: 'softplus-rule',
      family,
      tags: ['custom', 'second-order'],
      f: (x: m.Value) => m.sum(m.mul(softplus(x), x)),
    },
    softplusTimesX,
    ['gradient', 'jacobian', 'pushforward', 'pullback', 'hessian', 'hvp'],
  ),
  ...scenariosFrom(
    {
      name: 'jvp-only-rule',
      family,
      tags: ['custom'],
      f: (x: m.Value) => aSinB(m.slice(x, 0, 3), m.slice(x, 3, 6)),
    },
    aSinBAt,
    ['jacobian', 'pushforward', 'pullback'],
  ),
  ...scenariosFrom(
    {
      name: 'black-box-loss',
      family,
      tags: ['custom', 'black-box'],
      f: (u: m.Value) => m.sum(m.square(eulerStep(u))),
    },
    {
      x: u,
      value: y.reduce((s, yi) => s + yi * yi, 0),
      jacobian: matrix(1, 4, (_, j) => y.reduce((s, yi, i) => s + 2 * yi * stepJacobian.data[i * 4 + j]!, 0)),
    },
    ['gradient'],
  ),
];

/**
 * The step's whole Jacobian under an outer differentiation (the nested form) differentiates the
 * black box's rules by differences again, one level per nesting: left to the scalar loss above.
 */
const stepBases: Scenario[] = scenariosFrom(
  { name: 'black-box-ode-step', family, tags: ['custom', 'black-box'], f: (u: m.Value) => eulerStep(u) },
  { x: u, value: y, jacobian: stepJacobian },
  ['jacobian', 'pushforward', 'pullback'],
);

/**
 * Functions with their own derivative rules (`customRule`) and plain-JS black boxes
 * (`differentiateWith`), with their derived variants, and a rule of the wrong shape, refused.
 */
export const customScenarios: Scenario[] = [
  ...withVariants(bases),
  ...withVariants(stepBases, ['through-buffer', 'through-cache', 'with-constant', 'in-place']),
  ...scenariosFrom(
    {
      name: 'wrong-shape-rule',
      family,
      tags: ['custom', 'refusal'],
      f: (x: m.Value) => wrongShape(x),
      expect: { default: { throws: ErrorCode.ShapeMismatch }, runsOnPlainValues: 'reference' },
    },
    { x: xs, value: 0.09 + 1.44 + 4, jacobian: matrix(1, 3, (_, j) => 2 * xs[j]!) },
    ['gradient'],
  ),
];
