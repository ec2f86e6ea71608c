import {
  NDArray,
  PreparationMismatchError,
  constant,
  derivative,
  gradient,
  hessian,
  hvp,
  jacobian,
  prepareGradient,
  prepareJacobian,
  preparePushforward,
  pullback,
  pushforward,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { describe, expect, test } from 'vitest';
import { finiteDiff } from '../src/index.js';
import { g3, g3Jacobian, relativeError } from './reference.js';

/** g3, recording the arrays it is evaluated at (and their values at the time). */
function recording() {
  const arrays: Float64Array[] = [];
  const values: number[][] = [];
  const f = (x: m.Value) => {
    arrays.push(x as Float64Array);
    values.push(Array.from(x as Float64Array));
    return g3(x);
  };
  return { f, arrays, values };
}

describe('prepared calls', () => {
  test('every evaluation of f, on every prepared call, gets input arrays it has never seen', () => {
    const r = recording();
    const x = Float64Array.of(0.5, -0.3, 1.2);
    const prep = prepareJacobian(r.f, finiteDiff(), x);
    const calls = 5;
    for (let i = 0; i < calls; i++) {
      const p = Float64Array.of(0.5 + i, -0.3, 1.2 - i);
      expect(relativeError(prep.jacobian(p).data, g3Jacobian(p))).toBeLessThanOrEqual(1e-7);
      // the caller's array is never handed to f either
      expect(r.arrays).not.toContain(p);
    }
    // each call: f at x itself, then 2 evaluations per coordinate; all at distinct arrays
    expect(r.arrays).toHaveLength(calls * 7);
    expect(new Set(r.arrays).size).toBe(calls * 7);
  });

  test('pushforward hands each evaluation distinct arrays too', () => {
    const r = recording();
    const x = Float64Array.of(0.5, -0.3, 1.2);
    const t = Float64Array.of(1, 2, 3);
    const prep = preparePushforward(r.f, finiteDiff(), x, [t]);
    prep.pushforward(x, [t, t]);
    prep.pushforward(Float64Array.of(1, 2, 3), [t]);
    // evaluations: f(x), 2 per tangent, then f at the second x, 2 more
    expect(r.arrays).toHaveLength(8);
    expect(new Set(r.arrays).size).toBe(8);
  });

  test('a black box that memoises by reference gets the right Jacobian', () => {
    // The pattern of an ODE right-hand side that caches its last evaluation.
    let last: unknown = null;
    let cached: Float64Array | null = null;
    let evaluations = 0;
    const rhs = (x: m.Value) => {
      if (x === last && cached !== null) return cached;
      evaluations++;
      const v = x as Float64Array;
      last = x;
      cached = Float64Array.of(v[0]! * v[1]!, Math.sin(v[0]!));
      return cached;
    };
    const x = Float64Array.of(0.3, 2);
    const J = jacobian(rhs, finiteDiff(), x);
    expect(evaluations).toBe(5);
    const want = [2, 0.3, Math.cos(0.3), 0];
    Array.from(J.data).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 7));
    const g = gradient((v: m.Value) => m.sum(rhs(v) as Float64Array), finiteDiff(), x);
    expect(g[0]).toBeCloseTo(2 + Math.cos(0.3), 7);
    expect(g[1]).toBeCloseTo(0.3, 7);
  });

  test('the first evaluation of every call is at x; each perturbed one differs from x in one coordinate', () => {
    const r = recording();
    const x = Float64Array.of(0.5, -0.3, 1.2);
    jacobian(r.f, finiteDiff(), x);
    expect(r.values[0]).toEqual([0.5, -0.3, 1.2]);
    for (const v of r.values.slice(1)) {
      expect(v.filter((vi, i) => vi !== x[i]).length).toBe(1);
    }
    const r2 = recording();
    pushforward(r2.f, finiteDiff({ scheme: 'forward' }), x, [Float64Array.of(1, 1, 0)]);
    expect(r2.values[0]).toEqual([0.5, -0.3, 1.2]);
    expect(r2.values).toHaveLength(2);
  });

  test('a call with another shape or other context kinds throws PreparationMismatchError', () => {
    const prep = prepareJacobian(g3, finiteDiff(), Float64Array.of(1, 2, 3));
    expect(() => prep.jacobian(Float64Array.of(1, 2, 3, 4))).toThrow(PreparationMismatchError);
    expect(() => prep.jacobian(new NDArray(Float64Array.of(1, 2, 3), [3, 1]) as never)).toThrow(
      PreparationMismatchError,
    );
    const f = (x: m.Value, c: number) => m.mul(c, g3(x));
    const prep2 = prepareJacobian(f, finiteDiff(), Float64Array.of(1, 2, 3), constant(2));
    let error: unknown;
    try {
      prep2.jacobian(Float64Array.of(1, 2), constant(2));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PreparationMismatchError);
    const checks = (error as PreparationMismatchError).checks;
    expect(checks.map((c) => [c.name, c.ok])).toEqual([
      ['x', false],
      ['context 1', true],
    ]);
    // and the preparation still works for matching arguments afterwards
    expect(
      relativeError(
        prep2.jacobian(Float64Array.of(1, 2, 3), constant(2)).data,
        g3Jacobian(Float64Array.of(1, 2, 3)).map((v) => 2 * v),
      ),
    ).toBeLessThanOrEqual(1e-7);
  });
});

describe('inputs are never mutated', () => {
  test('x, tangents, cotangents and constants are left as they were', () => {
    const x = { a: Float64Array.of(0.5, -0.3), b: new NDArray(Float64Array.of(1, 2, 3, 4), [2, 2]), c: 0.7 };
    const f = (p: { a: m.Value; b: m.Value; c: m.Value }, k: Float64Array) =>
      m.add(m.mul(p.c, m.sum(m.square(p.a))), m.mul(m.sum(m.sin(p.b)), m.get(k, 0)));
    const k = Float64Array.of(3);
    const t = { a: Float64Array.of(1, 0), b: new NDArray(Float64Array.of(0, 1, 0, 1), [2, 2]), c: 1 };
    const snapshot = () =>
      JSON.stringify([
        Array.from(x.a),
        Array.from(x.b.data),
        x.c,
        Array.from(t.a),
        Array.from(t.b.data),
        t.c,
        Array.from(k),
      ]);
    const before = snapshot();
    for (const fd of [finiteDiff(), finiteDiff({ scheme: 'backward', richardson: 2 })]) {
      gradient(f, fd, x, constant(k));
      jacobian(f, fd, x, constant(k));
      pushforward(f, fd, x, [t], constant(k));
      pullback(f, fd, x, [2], constant(k));
      hvp(f, fd, x, [t], constant(k));
      hessian(f, fd, x, constant(k));
    }
    expect(snapshot()).toBe(before);
  });
});

describe('NaN and Infinity in x propagate as IEEE arithmetic does', () => {
  test('a non-finite coordinate gives NaN in what depends on it, without throwing', () => {
    const fd = finiteDiff();
    expect(derivative(m.sin, fd, Number.NaN)).toBeNaN();
    expect(derivative(m.exp, fd, Number.POSITIVE_INFINITY)).toBeNaN();
    expect(derivative(m.exp, fd, Number.NEGATIVE_INFINITY)).toBeNaN();
    // f = x₀²: its partial in x₀ is still right; the non-finite coordinate gets a NaN step
    const f = (x: m.Value) => m.square(m.get(x, 0));
    const g = gradient(f, fd, Float64Array.of(2, Number.NaN));
    expect(relativeError(g[0]!, 4)).toBeLessThanOrEqual(1e-7);
    expect(g[1]).toBeNaN();
    // a function of every coordinate is NaN in every partial
    const all = gradient(
      (x: m.Value) => m.sum(m.square(x)),
      fd,
      Float64Array.of(1, Number.POSITIVE_INFINITY),
    );
    expect(Array.from(all).every(Number.isNaN)).toBe(true);
  });

  test('every scheme, Richardson and second order finish with NaN rather than throwing or hanging', () => {
    for (const fd of [
      finiteDiff({ scheme: 'forward' }),
      finiteDiff({ scheme: 'backward', richardson: 3 }),
      finiteDiff({ richardson: true }),
    ]) {
      expect(derivative(m.sin, fd, Number.NaN)).toBeNaN();
      expect(
        Array.from(hessian((x: m.Value) => m.sum(m.exp(x)), fd, Float64Array.of(Number.NaN, 1)).data).some(
          Number.isNaN,
        ),
      ).toBe(true);
      const [jt] = pushforward(m.exp, fd, Float64Array.of(1, 2), [
        Float64Array.of(Number.POSITIVE_INFINITY, 0),
      ]);
      expect(Array.from(jt as Float64Array).every(Number.isNaN)).toBe(true);
    }
  });
});

describe('a preparation called by its own f', () => {
  test('each run evaluates f with its own contexts, before and after the nested one', () => {
    // f(x, c) = c·Σx²; on its first evaluation of an outer call, f calls the same
    // preparation at another point with another constant. The outer call's later evaluations
    // (central differences) must still see its own constant.
    let depth = 0;
    let inner: number[] = [];
    const f = (x: m.Value, c: number) => {
      if (depth === 0) {
        depth++;
        try {
          inner = Array.from(prep.gradient(Float64Array.of(1, -1), constant(5)) as Float64Array);
        } finally {
          depth--;
        }
      }
      return m.mul(c, m.sum(m.square(x)));
    };
    const prep = prepareGradient(f, finiteDiff(), Float64Array.of(0, 0), constant(1));
    const g = prep.gradient(Float64Array.of(0.5, 2), constant(2)) as Float64Array;
    expect(relativeError(g, [2 * 2 * 0.5, 2 * 2 * 2])).toBeLessThanOrEqual(1e-7);
    expect(relativeError(inner, [5 * 2 * 1, 5 * 2 * -1])).toBeLessThanOrEqual(1e-7);
  });
});
