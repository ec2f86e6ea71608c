import {
  derivative,
  gradient,
  hessian,
  hvp,
  pushforward,
  secondDerivative,
  secondOrder,
  valueGradientAndHessian,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';
import { finiteDiff } from '../src/index.js';
import { f3, f3Gradient, f3Hessian, g3, g3Jacobian, relativeError } from './reference.js';

const points = [Float64Array.of(0.5, -0.3, 1.2), Float64Array.of(2, 1, -3)];

function hv(x: Float64Array, t: Float64Array): number[] {
  const H = f3Hessian(x);
  return [0, 1, 2].map((i) => H[3 * i]! * t[0]! + H[3 * i + 1]! * t[1]! + H[3 * i + 2]! * t[2]!);
}

describe('finiteDiff as the outer engine: differences of an exact inner gradient', () => {
  test('secondOrder(finiteDiff(), tape()): hessian and hvp', () => {
    const t = Float64Array.of(1, -2, 0.5);
    for (const x of points) {
      expect(
        relativeError(hessian(f3, secondOrder(finiteDiff(), tape()), x).data, f3Hessian(x)),
      ).toBeLessThanOrEqual(1e-7);
      const [r] = hvp(f3, secondOrder(finiteDiff(), tape()), x, [t]);
      expect(relativeError(r as Float64Array, hv(x, t))).toBeLessThanOrEqual(1e-7);
      const rich = secondOrder(finiteDiff({ richardson: true }), tape());
      expect(relativeError(hessian(f3, rich, x).data, f3Hessian(x))).toBeLessThanOrEqual(1e-10);
    }
  });

  test('secondOrder(finiteDiff(), tape()): secondDerivative', () => {
    const b = secondOrder(finiteDiff(), tape());
    for (const x of [0.3, -1.2, 2.5]) {
      expect(relativeError(secondDerivative(m.sin, b, x) as number, -Math.sin(x))).toBeLessThanOrEqual(1e-7);
    }
  });
});

describe('finiteDiff as the inner engine: portable math, so an outer engine differentiates the differences', () => {
  test('secondOrder(tape(), finiteDiff()): hessian and hvp', () => {
    const t = Float64Array.of(1, -2, 0.5);
    for (const x of points) {
      expect(
        relativeError(hessian(f3, secondOrder(tape(), finiteDiff()), x).data, f3Hessian(x)),
      ).toBeLessThanOrEqual(1e-7);
      const [r] = hvp(f3, secondOrder(tape(), finiteDiff()), x, [t]);
      expect(relativeError(r as Float64Array, hv(x, t))).toBeLessThanOrEqual(1e-7);
      const rich = secondOrder(tape(), finiteDiff({ richardson: true }));
      expect(relativeError(hessian(f3, rich, x).data, f3Hessian(x))).toBeLessThanOrEqual(1e-10);
    }
  });

  test('one-sided schemes nest too', () => {
    const x = points[0]!;
    for (const scheme of ['forward', 'backward'] as const) {
      const H = hessian(f3, secondOrder(tape(), finiteDiff({ scheme })), x);
      expect(relativeError(H.data, f3Hessian(x))).toBeLessThanOrEqual(1e-6);
    }
  });

  test('a gradient by tape of a function that calls finiteDiff', () => {
    // h(y) = Σ_i y_i · (∂g/∂x · y)_i at a fixed x, differentiated with respect to y
    const x = points[0]!;
    const J = g3Jacobian(x);
    const h = (y: m.Value) => m.dot(y, pushforward(g3, finiteDiff(), x, [y])[0] as m.Value);
    const y = Float64Array.of(0.2, -1, 0.6);
    // ∇ yᵀJy = (J + Jᵀ)y
    const expected = [0, 1, 2].map((i) =>
      [0, 1, 2].reduce((s, j) => s + (J[3 * i + j]! + J[3 * j + i]!) * y[j]!, 0),
    );
    expect(relativeError(gradient(h, tape(), y), expected)).toBeLessThanOrEqual(1e-7);
  });

  test('a traced direction that is zero at the point still carries its derivative', () => {
    // d/ds [J·(s·v)] at s = 0 is J·v, although the direction s·v is zero there
    const x = points[0]!;
    const v = Float64Array.of(1, 2, -1);
    const J = g3Jacobian(x);
    const d = derivative(
      (s: m.Value) => pushforward(g3, finiteDiff(), x, [m.mul(s, v)])[0] as m.Value,
      tape(),
      0,
    );
    const expected = [0, 1, 2].map((i) => J[3 * i]! * v[0]! + J[3 * i + 1]! * v[1]! + J[3 * i + 2]! * v[2]!);
    expect(relativeError(d as Float64Array, expected)).toBeLessThanOrEqual(1e-7);
  });
});

describe('nesting keeps differentiations apart (no perturbation confusion)', () => {
  test('d/dy [y · d/dx (x + y)] = 1, whichever engine is inside', () => {
    const inner = (y: m.Value, engine: ReturnType<typeof finiteDiff> | ReturnType<typeof tape>) =>
      m.mul(y, derivative((x: m.Value) => m.add(x, y), engine, 2) as m.Value);
    expect(derivative((y: m.Value) => inner(y, finiteDiff()), tape(), 3)).toBeCloseTo(1, 9);
    expect(derivative((y: m.Value) => inner(y, tape()), finiteDiff(), 3)).toBeCloseTo(1, 9);
    expect(derivative((y: m.Value) => inner(y, finiteDiff()), finiteDiff(), 3)).toBeCloseTo(1, 7);
  });

  test('d/dy [y · d/dx (x·y)] = 2y', () => {
    const inner = (y: m.Value, engine: ReturnType<typeof finiteDiff> | ReturnType<typeof tape>) =>
      m.mul(y, derivative((x: m.Value) => m.mul(x, y), engine, 2) as m.Value);
    expect(derivative((y: m.Value) => inner(y, finiteDiff()), tape(), 3)).toBeCloseTo(6, 8);
    expect(derivative((y: m.Value) => inner(y, tape()), finiteDiff(), 3)).toBeCloseTo(6, 8);
    expect(derivative((y: m.Value) => inner(y, finiteDiff()), finiteDiff(), 3)).toBeCloseTo(6, 6);
  });
});

describe('differences of differences', () => {
  test('a derivative of a derivative written by hand, both by finite differences', () => {
    // d/dy d/dx sin(x·y) = cos(xy) − xy·sin(xy)
    const dsin = (y: m.Value) => derivative((x: m.Value) => m.sin(m.mul(x, y)), finiteDiff(), 1) as m.Value;
    for (const y of [0.5, 2, -1.5]) {
      const expected = Math.cos(y) - y * Math.sin(y);
      expect(relativeError(derivative(dsin, finiteDiff(), y) as number, expected)).toBeLessThanOrEqual(1e-6);
    }
  });

  test('the larger step for differences of differences beats the first-order step', () => {
    // The same nested difference computed by hand with the first-order step ∛ε on both levels.
    const f = Math.exp;
    const x = 0.7;
    const d1 = (z: number, h: number) => (f(z + h) - f(z - h)) / (2 * h);
    const h = 2 ** Math.round(Math.log2(Math.cbrt(Number.EPSILON)));
    const naive = Math.abs((d1(x + h, h) - d1(x - h, h)) / (2 * h) - f(x)) / f(x);
    const engine = Math.abs((secondDerivative(m.exp, finiteDiff(), x) as number) - f(x)) / f(x);
    expect(engine).toBeLessThan(naive / 10);
    expect(engine).toBeLessThanOrEqual(1e-7);
  });

  test('the gradient returned with a Hessian (computed with the larger step) stays within 1e-7', () => {
    for (const x of points) {
      const [, g] = valueGradientAndHessian(f3, finiteDiff(), x);
      expect(relativeError(g, f3Gradient(x))).toBeLessThanOrEqual(1e-7);
    }
  });
});
