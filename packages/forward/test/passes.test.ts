/**
 * What one forward pass records and runs, seen through the engine's diagnostics (applications
 * interpreted, compiled or not): seeds that are zero stay constants, plain numbers and constant
 * rules stay on the scalar path, a structure compiles on its second sighting, and the paths that
 * cannot compile (duplicated outputs, traced tangents, nesting) give the analytic derivatives.
 */
import { derivative, gradient, pushforward, valueAndPushforward } from '@diffint/core';
import * as m from '@diffint/core/math';
import { describe, expect, test } from 'vitest';
import { forward } from '../src/index.js';
import { expectClose } from './helpers.js';

const vec = (...xs: number[]) => Float64Array.of(...xs);

describe('seeds that are zero leave an input a constant (its ops are not the trace’s)', () => {
  test('scalars: a pass of one direction counts only the ops that the seeded input reaches', () => {
    // sin(a)·b + sin(b)·a: each pass of chunk 1 seeds one input; the other one's sin is plain.
    const e = forward({ chunk: 1 });
    const f = (p: { a: m.Value; b: m.Value }) => m.add(m.mul(m.sin(p.a), p.b), m.mul(m.sin(p.b), p.a));
    const g = gradient(f, e, { a: 0.5, b: 2 });
    expect(g.a).toBeCloseTo(Math.cos(0.5) * 2 + Math.sin(2), 14);
    expect(g.b).toBeCloseTo(Math.sin(0.5) + Math.cos(2) * 0.5, 14);
    expect(e.lastPassApplications).toBe(4);
  });

  test('arrays: the unseeded array is not recorded', () => {
    // Σ sin a · Σ sin b; chunk 2 seeds a and b in separate passes.
    const e = forward({ chunk: 2 });
    const f = (p: { a: m.Value; b: m.Value }) => m.mul(m.sum(m.sin(p.a)), m.sum(m.sin(p.b)));
    const a = vec(0.5, -1);
    const b = vec(2, 0.25);
    const sa = Math.sin(0.5) + Math.sin(-1);
    const sb = Math.sin(2) + Math.sin(0.25);
    const g = gradient(f, e, { a, b });
    expectClose(
      g.a,
      a.map((v) => Math.cos(v) * sb),
    );
    expectClose(
      g.b,
      b.map((v) => Math.cos(v) * sa),
    );
    // sin, sum and the product with the other (plain) sum.
    expect(e.lastPassApplications).toBe(3);
  });
});

describe('the scalar path', () => {
  test('a plain number argument keeps an op on the scalar path: nothing is recorded or compiled', () => {
    const e = forward();
    for (let call = 0; call < 3; call++) {
      expect(derivative((x: m.Value) => m.mul(2, m.sin(x)), e, 0.5)).toBeCloseTo(2 * Math.cos(0.5), 14);
      expect(e.lastPassApplications).toBe(2);
      expect(e.lastRunCompiled).toBe(false);
    }
  });

  test('a piecewise-constant op returns a plain number: ops on it are not the trace’s', () => {
    // sign(x)·2 + x ⇒ 1; sign is applied on the trace, its (constant) result is plain.
    const e = forward();
    expect(derivative((x: m.Value) => m.add(m.mul(m.sign(x), 2), x), e, 1.5)).toBe(1);
    expect(e.lastPassApplications).toBe(2);
  });

  test('scalars seeded in only some directions of a pass stay dual numbers', () => {
    const e = forward({ chunk: 2 });
    const f = (p: { a: m.Value; b: m.Value }) => m.mul(p.a, m.sin(p.b));
    for (let call = 0; call < 3; call++) {
      const g = gradient(f, e, { a: 1.5, b: 0.5 });
      expect(g.a).toBeCloseTo(Math.sin(0.5), 15);
      expect(g.b).toBeCloseTo(1.5 * Math.cos(0.5), 15);
      expect(e.lastRunCompiled).toBe(false);
    }
  });

  test('a direction without tangents stays a zero beside a NaN partial', () => {
    // √a + b at a = −1: the value is NaN, ∂/∂b is 1 (√'s NaN partial meets no tangent of b's direction).
    const g = gradient((p: { a: m.Value; b: m.Value }) => m.add(m.sqrt(p.a), p.b), forward({ chunk: 2 }), {
      a: -1,
      b: 2,
    });
    expect(g.a).toBeNaN();
    expect(g.b).toBe(1);
  });

  test('a direction without tangents stays a zero beside infinite partials', () => {
    // a/b + c at b = 0: ∂a = 1/b = ∞, ∂b = −a/b² = −∞, ∂c = 1 (the quotient has no tangent in c's direction).
    const g = gradient(
      (p: { a: m.Value; b: m.Value; c: m.Value }) => m.add(m.div(p.a, p.b), p.c),
      forward({ chunk: 3 }),
      { a: 1, b: 0, c: 5 },
    );
    expect(g.a).toBe(Number.POSITIVE_INFINITY);
    expect(g.b).toBe(Number.NEGATIVE_INFINITY);
    expect(g.c).toBe(1);
  });

  test('a scalar dual output beside a recorded array output', () => {
    const f = (p: { a: m.Value; b: m.Value }) => ({ s: m.sin(p.a), t: m.sum(m.square(p.b)) });
    const b = vec(1, -2);
    for (let call = 0; call < 3; call++) {
      const [y, [d]] = valueAndPushforward(f, forward(), { a: 0.5, b }, [{ a: 2, b: vec(1, 0.5) }]);
      expect(y.s).toBeCloseTo(Math.sin(0.5), 15);
      expect(y.t).toBe(5);
      expect(d!.s).toBeCloseTo(2 * Math.cos(0.5), 15);
      expect(d!.t).toBe(2 * 1 * 1 + 2 * -2 * 0.5);
    }
  });
});

describe('compiled or not', () => {
  // Programs are cached by the process, which may run this file more than once: each run
  // records a structure of a length no earlier run used.
  const g = globalThis as { diffintFreshLength?: number };
  const fresh = () => {
    g.diffintFreshLength = (g.diffintFreshLength ?? 1000) + 1;
    return g.diffintFreshLength;
  };

  test('a structure is interpreted when first seen and compiled from its second sighting', () => {
    const n = fresh();
    const x = Float64Array.from({ length: n }, (_, i) => i / n);
    const e = forward();
    const seen: boolean[] = [];
    for (let call = 0; call < 3; call++) {
      const [t] = pushforward((x: m.Value) => m.sum(m.exp(x)), e, x, [new Float64Array(n).fill(1)]);
      expect(t).toBeCloseTo(
        x.reduce((s, v) => s + Math.exp(v), 0),
        11,
      );
      seen.push(e.lastRunCompiled);
    }
    expect(seen).toEqual([false, true, true]);
  });

  test('the same value returned twice: interpreted, both tangents right', () => {
    const e = forward();
    const x = vec(0.5, -1);
    for (let call = 0; call < 3; call++) {
      const [d] = pushforward(
        (x: m.Value) => {
          const y = m.exp(x);
          return { p: y, q: y };
        },
        e,
        x,
        [vec(1, 2)],
      );
      const want = [Math.exp(0.5), 2 * Math.exp(-1)];
      expectClose(d!.p, want);
      expectClose(d!.q, want);
      expect(e.lastRunCompiled).toBe(false);
    }
  });

  test('tangents that are values of an outer differentiation are interpreted', () => {
    // d/ds Σ J(x₀)·(s v) = Σ cos(x₀) c v, where f(x) = sin(x) ⊙ c reads a constant array.
    const c = vec(2, -1, 3);
    const x0 = vec(0.2, 0.4, -0.6);
    const v = vec(1, 0.5, -2);
    const f = (x: m.Value) => m.mul(m.sin(x), c);
    const inner = forward();
    const G = (s: m.Value) => m.sum(pushforward(f, inner, x0, [m.mul(s, v)])[0] as m.Value);
    const want = x0.reduce((acc, xi, i) => acc + Math.cos(xi) * c[i]! * v[i]!, 0);
    for (let call = 0; call < 3; call++) {
      expect(derivative(G, forward(), 1.5)).toBeCloseTo(want, 14);
      expect(inner.lastRunCompiled).toBe(false);
    }
  });

  test('a scalar tangent that is an outer value, beside a zero direction', () => {
    // pushforward of x ↦ x sin x at 2 along (s, 0): the first is s (sin 2 + 2 cos 2), so d/ds is that.
    const f = (x: m.Value) => m.mul(x, m.sin(x));
    const G = (s: m.Value) => {
      const [a, b] = pushforward(f, forward(), 2, [s, 0]);
      return m.add(a as m.Value, m.mul(b as m.Value, 7));
    };
    for (let call = 0; call < 3; call++) {
      expect(derivative(G, forward(), 0.5)).toBeCloseTo(Math.sin(2) + 2 * Math.cos(2), 14);
    }
  });

  test('an inner pass on outer values is interpreted (and says so)', () => {
    // F(x) = Σ ∂/∂y [Σ x ⊙ y²] at y = 1 = Σ 2x ⇒ ∇F = 2
    const inner = forward();
    const F = (x: m.Value) =>
      m.sum(
        pushforward((y: m.Value) => m.sum(m.mul(x, m.square(y))), inner, vec(1, 1), [
          vec(1, 1),
        ])[0] as m.Value,
      );
    for (let call = 0; call < 3; call++) {
      expectClose(gradient(F, forward(), vec(0.5, 2)), [2, 2]);
      expect(inner.lastRunCompiled).toBe(false);
    }
  });
});

describe('the values a pass returns', () => {
  test('a plain output and a traced one', () => {
    const c = vec(1, 2);
    const [y, [d]] = valueAndPushforward(
      (x: m.Value) => ({ plain: m.exp(c), y: m.sin(x) }),
      forward(),
      vec(0.5, 1),
      [vec(1, 1)],
    );
    expectClose(y.plain, [Math.E, Math.exp(2)]);
    expectClose(y.y, [Math.sin(0.5), Math.sin(1)]);
    expectClose(d!.plain, [0, 0]);
    expectClose(d!.y, [Math.cos(0.5), Math.cos(1)]);
  });

  test('an output that is a value of the outer differentiation keeps its outer derivative', () => {
    // value of y ↦ 3x (constant in y) is 3x ⇒ d/dx = 3
    const F = (x: m.Value) =>
      valueAndPushforward((_y: m.Value) => m.mul(x, 3), forward(), 1, [1])[0] as m.Value;
    expect(derivative(F, forward(), 2)).toBe(3);
    const G = (x: m.Value) =>
      m.sum(valueAndPushforward((_y: m.Value) => m.mul(x, 3), forward(), vec(1), [vec(1)])[0] as m.Value);
    expectClose(gradient(G, forward(), vec(2, -1)), [3, 3]);
  });
});
