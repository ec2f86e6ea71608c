/**
 * Forward mode's eager path: a recording whose tangent program cannot be staged (a custom rule,
 * whose rules run on the values of every call, or a differentiateWith black box) has its JVP
 * rules run on values, op by op. The rules here read their primals (some in plain JS); the
 * references are analytic derivatives.
 */
import {
  buffer,
  constant,
  customRule,
  derivative,
  differentiateWith,
  gradient,
  hessian,
  jacobian,
  preparePushforward,
  pushforward,
  secondOrder,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { finiteDiff } from '@diffint/finite-diff';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';
import { forward } from '../src/index.js';
import { expectClose, matrix } from './helpers.js';

const vec = (...xs: number[]) => Float64Array.of(...xs);
const list = (v: unknown) => (typeof v === 'number' ? [v] : Array.from(v as Float64Array));

/** x³ elementwise, its JVP computed in plain JS from the primal values (first order only). */
const jsCube = customRule((x: m.Value) => m.mul(x, m.square(x)), {
  name: 'jsCube',
  jvp: ([x], [t]) => {
    if (typeof x === 'number') return [x ** 3, 3 * x * x * (t as number)];
    const xs = x as Float64Array;
    const ts = t as Float64Array;
    return [xs.map((v) => v ** 3), xs.map((v, i) => 3 * v * v * ts[i]!)];
  },
});

/** x³ with a portable-math JVP that reads the primal (differentiable again). */
const cube: (x: m.Value) => m.Value = customRule((x: m.Value) => m.mul(x, m.square(x)), {
  name: 'cube',
  jvp: ([x], [t]) => [cube(x), m.mul(t, m.mul(3, m.square(x)))],
  vjp: ([x], ct) => [m.mul(ct, m.mul(3, m.square(x)))],
});

/** a · exp(b) elementwise, a JVP in both arguments. */
const aExpB = customRule((a: m.Value, b: m.Value) => m.mul(a, m.exp(b)), {
  name: 'aExpB',
  jvp: ([a, b], [ta, tb]) => [m.mul(a, m.exp(b)), m.mul(m.exp(b), m.add(ta, m.mul(a, tb)))],
});

describe('the eager path, first order', () => {
  test('a plain-JS rule among built-in ops and constants: the Jacobian over several passes', () => {
    const c = vec(2, -1, 0.5);
    // y = c ⊙ x³ + sin x + 2 ⇒ ∂yᵢ/∂xᵢ = 3cᵢxᵢ² + cos xᵢ
    const f = (x: m.Value) => m.add(m.add(m.mul(c, jsCube(x)), m.sin(x)), 2);
    const x = vec(0.7, -1.3, 2.1);
    const want = matrix(3, 3, (i, j) => (i === j ? 3 * c[i]! * x[i]! ** 2 + Math.cos(x[i]!) : 0));
    for (const chunk of [1, 2, 8]) {
      const e = forward({ chunk });
      for (let call = 0; call < 3; call++) {
        expectClose(jacobian(f, e, x).data, want);
        expect(e.lastRunCompiled).toBe(false);
      }
    }
  });

  test('a rule of two arguments, one of them a constant array: its tangent is zero', () => {
    const b = vec(0.3, -0.4);
    const a = vec(1.5, -2);
    const e = forward();
    for (let call = 0; call < 3; call++) {
      // ∂/∂a Σ a eᵇ = eᵇ; ∂/∂b Σ a eᵇ (b a constant) does not enter.
      expectClose(
        gradient((a: m.Value) => m.sum(aExpB(a, b)), e, a),
        b.map(Math.exp),
      );
      // b the variable, a the constant: ∂/∂b = a eᵇ.
      expectClose(
        gradient((b: m.Value) => m.sum(aExpB(a, b)), e, b),
        b.map((v, i) => a[i]! * Math.exp(v)),
      );
    }
  });

  test('two inputs of a pytree, one of which only one direction of a pass seeds', () => {
    // F(a, b) = Σ aExpB(a, b) + Σ a² ⇒ ∂a = eᵇ + 2a, ∂b = a eᵇ
    const f = (p: { a: m.Value; b: m.Value }) => m.add(m.sum(aExpB(p.a, p.b)), m.sum(m.square(p.a)));
    const a = vec(0.5, -1, 2);
    const b = vec(0.1, 0.2, -0.3);
    for (const chunk of [1, 2, 4, 8]) {
      const g = gradient(f, forward({ chunk }), { a, b });
      expectClose(
        g.a,
        a.map((v, i) => Math.exp(b[i]!) + 2 * v),
      );
      expectClose(
        g.b,
        b.map((v, i) => a[i]! * Math.exp(v)),
      );
    }
  });

  test('a scalar primal: the dual number becomes a program input of the rule', () => {
    // x³ · x + x = x⁴ + x ⇒ 4x³ + 1; jsCube(2) of a plain number is 8, a constant.
    const f = (x: m.Value) => m.add(m.mul(jsCube(x), x), m.mul(x, jsCube(2)));
    for (const x of [1.5, -0.5, 3]) expect(derivative(f, forward(), x)).toBeCloseTo(4 * x ** 3 + 8, 12);
  });

  test('scalar inputs seeded in different directions of one pass', () => {
    // aExpB(a, b) with scalars: ∂a = eᵇ, ∂b = a eᵇ; and a third input that only the built-in ops see.
    const f = (p: { a: m.Value; b: m.Value; c: m.Value }) => m.add(aExpB(p.a, p.b), m.mul(p.c, p.a));
    const at = { a: 1.5, b: -0.5, c: 3 };
    for (const chunk of [1, 2, 3]) {
      const g = gradient(f, forward({ chunk }), at);
      expect(g.a).toBeCloseTo(Math.exp(at.b) + at.c, 13);
      expect(g.b).toBeCloseTo(at.a * Math.exp(at.b), 13);
      expect(g.c).toBeCloseTo(at.a, 14);
    }
  });

  test('outputs that are an input, a plain value, a value of no input, and a rule output', () => {
    const c = vec(1, 2);
    const f = (x: m.Value) => ({ cube: jsCube(x), same: x, plain: m.exp(c), sum: m.sum(jsCube(x)) });
    const x = vec(0.5, -2);
    const t = vec(1, 3);
    for (let call = 0; call < 3; call++) {
      const [r] = pushforward(f, forward(), x, [t]);
      expectClose(r!.cube, [3 * 0.25 * 1, 3 * 4 * 3]);
      expectClose(r!.same, t);
      expectClose(r!.plain, [0, 0]);
      expectClose(r!.sum, 3 * 0.25 * 1 + 3 * 4 * 3);
    }
  });

  test('a rule output held by a buffer: the buffer holds its value after the call', () => {
    const buf = buffer(2);
    // buf ← x³; y = Σ buf² = Σ x⁶ ⇒ 6x⁵
    const f = (x: m.Value) => {
      const y = jsCube(x);
      buf.set(0, m.get(y, 0));
      buf.set(1, m.get(y, 1));
      return m.sum(m.square(buf.read()));
    };
    for (const x of [vec(0.5, -1.5), vec(2, 1), vec(-1, 0.25)]) {
      expectClose(
        gradient(f, forward(), x),
        x.map((v) => 6 * v ** 5),
      );
      expectClose(
        buf.toFloat64Array(),
        x.map((v) => v ** 3),
      );
    }
  });

  test('a black box by finite differences inside forward mode', () => {
    const box = differentiateWith((x: Float64Array) => x.map((v) => v * Math.sin(v)), finiteDiff());
    const x = vec(0.4, -1.1, 2.5);
    for (let call = 0; call < 3; call++) {
      expectClose(
        gradient((x: m.Value) => m.sum(m.mul(box(x), 2)), forward({ chunk: 2 }), x),
        x.map((v) => 2 * (Math.sin(v) + v * Math.cos(v))),
        1e-6,
      );
    }
  });

  test('a black box with a constant', () => {
    const box = differentiateWith((x: Float64Array, k: number) => x.map((v) => k * v * v), finiteDiff());
    const x = vec(1.5, -0.5);
    expectClose(
      gradient((x: m.Value) => m.sum(box(x, constant(3))), forward(), x),
      x.map((v) => 6 * v),
      1e-6,
    );
  });

  test('results of one call are not overwritten by the next', () => {
    const f = (x: m.Value) => m.mul(jsCube(x), vec(1, 2));
    const prep = preparePushforward(f, forward(), vec(0, 0), [vec(1, 1)]);
    const [first] = prep.pushforward(vec(1, 2), [vec(1, 1)]);
    const kept = list(first);
    prep.pushforward(vec(3, 4), [vec(1, 1)]);
    expect(list(first)).toEqual(kept);
    expect(kept).toEqual([3, 2 * 3 * 4]);
  });
});

describe('the eager path under nesting and at second order', () => {
  const x = vec(0.3, -1.2, 0.8);
  // H of Σ x · cube(x) = Σ x⁴ is diag(12x²)
  const H = matrix(3, 3, (i, j) => (i === j ? 12 * x[i]! ** 2 : 0));
  const f = (x: m.Value) => m.sum(m.mul(x, cube(x)));

  test.each([
    ['forward over tape', () => secondOrder(forward(), tape())],
    ['forward over forward', () => secondOrder(forward(), forward())],
    ['tape over forward', () => secondOrder(tape(), forward())],
    [
      'forward({ chunk: 2 }) over forward({ chunk: 1 })',
      () => secondOrder(forward({ chunk: 2 }), forward({ chunk: 1 })),
    ],
  ])('a Hessian through a rule that reads its primal: %s', (_n, make) => {
    for (let call = 0; call < 2; call++) expectClose(hessian(f, make(), x).data, H, 1e-12);
  });

  test.each([
    ['forward', () => forward()],
    ['tape', () => tape()],
  ])('forward outside, %s inside: d/dx [d/dy cube(x·y) at y = 1] = 9x²', (_n, inner) => {
    // d/dy (xy)³ = 3x³y² ⇒ at y = 1: 3x³ ⇒ d/dx = 9x²
    const g = (x: m.Value) => derivative((y: m.Value) => cube(m.mul(x, y)), inner(), 1) as m.Value;
    for (const v of [0.5, -2, 1.5]) expect(derivative(g, forward(), v)).toBeCloseTo(9 * v * v, 12);
  });

  test('an outer array inside an inner scalar differentiation with a rule', () => {
    // G(x) = Σ d/dy [cube(x) · y²] at y = 2 = Σ 4x³ ⇒ ∇G = 12x²
    const g = (x: m.Value) =>
      m.sum(derivative((y: m.Value) => m.mul(cube(x), m.square(y)), forward(), 2) as m.Value);
    expectClose(
      gradient(g, forward(), x),
      x.map((v) => 12 * v * v),
    );
  });

  test('a scalar second derivative through the rule (both dual numbers)', () => {
    // d²/dx² x³ = 6x
    const e = secondOrder(forward(), forward());
    for (const v of [0.5, -1.5]) {
      expectClose(hessian((x: m.Value) => m.sum(cube(x)), e, vec(v)).data, [6 * v], 1e-13);
    }
  });
});
