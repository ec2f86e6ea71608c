import { NDArray, derivative, gradient, jacobian, pushforward, secondDerivative } from '@diffint/core';
import * as m from '@diffint/core/math';
import { describe, expect, test } from 'vitest';
import { type FiniteDiffOptions, finiteDiff } from '../src/index.js';
import { f3, f3Gradient, g3, g3Jacobian, relativeError, scalarCases } from './reference.js';

/** The largest relative error of f' over every scalar case and point. */
function worstDerivativeError(options: FiniteDiffOptions): number {
  const engine = finiteDiff(options);
  let worst = 0;
  for (const c of scalarCases) {
    for (const x of c.at)
      worst = Math.max(worst, relativeError(derivative(c.f, engine, x) as number, c.d1(x)));
  }
  return worst;
}

describe('accuracy on smooth functions of moderate scale', () => {
  test('central differences: relative error ≤ 1e-7', () => {
    expect(worstDerivativeError({})).toBeLessThanOrEqual(1e-7);
  });

  test('forward and backward differences: relative error ≤ 1e-6', () => {
    expect(worstDerivativeError({ scheme: 'forward' })).toBeLessThanOrEqual(1e-6);
    expect(worstDerivativeError({ scheme: 'backward' })).toBeLessThanOrEqual(1e-6);
  });

  test('Richardson extrapolation on central differences: relative error ≤ 1e-10', () => {
    expect(worstDerivativeError({ richardson: true })).toBeLessThanOrEqual(1e-10);
    expect(worstDerivativeError({ richardson: 1 })).toBeLessThanOrEqual(1e-10);
    expect(worstDerivativeError({ richardson: 3 })).toBeLessThanOrEqual(1e-10);
  });

  test('Richardson extrapolation improves one-sided differences too', () => {
    const plain = worstDerivativeError({ scheme: 'forward' });
    const extrapolated = worstDerivativeError({ scheme: 'forward', richardson: 2 });
    expect(extrapolated).toBeLessThan(plain / 100);
  });

  test('each extrapolation level removes one term: errors shrink with the level at a fixed step', () => {
    // sin at 1 with the step 2^-4: truncation dominates, so each level gains orders of magnitude.
    const errors = [0, 1, 2].map((levels) =>
      relativeError(
        derivative(m.sin, finiteDiff({ step: 1 / 16, richardson: levels }), 1) as number,
        Math.cos(1),
      ),
    );
    expect(errors[1]!).toBeLessThan(errors[0]! / 100);
    expect(errors[2]!).toBeLessThan(errors[1]! / 100);
  });

  test('a given step is used: a large central step has the error h²/6·|f‴|', () => {
    const h = 1 / 8;
    const d = derivative(m.exp, finiteDiff({ step: h }), 0) as number;
    // (e^h − e^−h) / 2h = sinh(h)/h, independently of the code under test
    expect(d).toBeCloseTo(Math.sinh(h) / h, 14);
  });

  test('the step scales with |x|: a function of large arguments keeps its relative accuracy', () => {
    const f = (x: m.Value) => m.mul(m.square(x), m.log(x));
    const d = (x: number) => 2 * x * Math.log(x) + x;
    for (const x of [1e4, 3.5e7, 1e12]) {
      expect(relativeError(derivative(f, finiteDiff(), x) as number, d(x))).toBeLessThanOrEqual(1e-7);
      expect(
        relativeError(derivative(f, finiteDiff({ richardson: true }), x) as number, d(x)),
      ).toBeLessThanOrEqual(1e-10);
    }
  });

  test('gradients and Jacobians meet the same targets', () => {
    for (const x of [Float64Array.of(0.5, -0.3, 1.2), Float64Array.of(2, 1, -3)]) {
      expect(relativeError(gradient(f3, finiteDiff(), x), f3Gradient(x))).toBeLessThanOrEqual(1e-7);
      expect(
        relativeError(gradient(f3, finiteDiff({ richardson: true }), x), f3Gradient(x)),
      ).toBeLessThanOrEqual(1e-10);
      const J = jacobian(g3, finiteDiff(), x);
      expect(J).toBeInstanceOf(NDArray);
      expect(J.shape).toEqual([3, 3]);
      expect(relativeError(J.data, g3Jacobian(x))).toBeLessThanOrEqual(1e-7);
      expect(
        relativeError(jacobian(g3, finiteDiff({ richardson: true }), x).data, g3Jacobian(x)),
      ).toBeLessThanOrEqual(1e-10);
    }
  });

  test('a directional derivative along a mixed direction matches J·t', () => {
    const x = Float64Array.of(0.7, -1.1, 0.4);
    const t = Float64Array.of(2, -0.5, 3);
    const J = g3Jacobian(x);
    const expected = [0, 1, 2].map((i) => J[3 * i]! * t[0]! + J[3 * i + 1]! * t[1]! + J[3 * i + 2]! * t[2]!);
    const [jt] = pushforward(g3, finiteDiff(), x, [t]);
    expect(relativeError(jt as Float64Array, expected)).toBeLessThanOrEqual(1e-7);
    const [jtr] = pushforward(g3, finiteDiff({ richardson: true }), x, [t]);
    expect(relativeError(jtr as Float64Array, expected)).toBeLessThanOrEqual(1e-10);
  });

  test('second derivatives by differences of differences', () => {
    const errorOf = (engine: ReturnType<typeof finiteDiff>) => {
      let worst = 0;
      for (const c of scalarCases) {
        for (const x of c.at) {
          worst = Math.max(worst, relativeError(secondDerivative(c.f, engine, x) as number, c.d2(x)));
        }
      }
      return worst;
    };
    expect(errorOf(finiteDiff())).toBeLessThanOrEqual(1e-6);
    expect(errorOf(finiteDiff({ richardson: true }))).toBeLessThanOrEqual(1e-9);
    expect(errorOf(finiteDiff({ scheme: 'forward' }))).toBeLessThanOrEqual(1e-3);
  });
});
