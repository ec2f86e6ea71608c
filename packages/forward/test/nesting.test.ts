/**
 * Nesting every pair of float64 engines, in both orders: an inner differentiation inside an
 * outer one, where ops mix values of both (no perturbation confusion). Elementwise ops, and the
 * ops with several arguments that reach a trace by `bind` (matvec and matmul, concat, where), in
 * both argument orders, so that an op handed to any trace but the innermost of its arguments
 * fails here. References are analytic.
 */
import { type Engine, derivative, gradient, jacobian, secondOrder, hessian } from '@diffint/core';
import * as m from '@diffint/core/math';
import { finiteDiff } from '@diffint/finite-diff';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';
import { forward } from '../src/index.js';
import { expectClose } from './helpers.js';

const engines: Record<string, () => Engine> = {
  tape,
  forward,
  'forward({ chunk: 1 })': () => forward({ chunk: 1 }),
  finiteDiff,
};
const pairs = Object.keys(engines).flatMap((o) => Object.keys(engines).map((i) => [o, i] as const));

const x0 = Float64Array.of(0.5, -1.5, 2, 0.25);
const twice = (v: Float64Array, k: number) => v.map((e) => k * e);
const sumSq = (v: Float64Array) => v.reduce((s, e) => s + e * e, 0);

describe.each(pairs)('%s outside, %s inside', (outerName, innerName) => {
  const outer = engines[outerName]!;
  const inner = engines[innerName]!;
  // Differences of differences lose digits; derivatives by AD are exact here up to rounding.
  const tol = outerName === 'finiteDiff' || innerName === 'finiteDiff' ? 1e-6 : 1e-13;

  test('d/dx [x · d/dy (x + y)] = 1', () => {
    const g = (x: m.Value) => m.mul(x, derivative((y: m.Value) => m.add(x, y), inner(), 0) as m.Value);
    for (const x of [1, 7, -2]) expectClose(derivative(g, outer(), x), 1, tol);
  });

  test('d/dx [d/dy (x·y²) at y = x] = 4x: the inner input is the outer value', () => {
    const g = (x: m.Value) => derivative((y: m.Value) => m.mul(x, m.square(y)), inner(), x) as m.Value;
    for (const x of [1, 3, -0.5]) expectClose(derivative(g, outer(), x), 4 * x, tol);
  });

  test('matvec of an outer matrix and an inner vector: ∇ₓ ⟨x, ∇_y Σ [x; 2x]·y⟩ = 6x', () => {
    // Σ [x; 2x]·y = 3⟨x, y⟩, so ∇_y = 3x and the outer function is 3‖x‖².
    const g = (x: m.Value) => {
      const A = m.stack([x, m.mul(2, x)]);
      return m.dot(
        x,
        gradient((y: m.Value) => m.sum(m.matvec(A, y)), inner(), new Float64Array(4)) as m.Value,
      );
    };
    expectClose(gradient(g, outer(), x0), twice(x0, 6), tol);
  });

  test('matmul of an inner row and an outer column: ∇ₓ Σ 2(∇_y yᵀx + x) = 4 per element', () => {
    // yᵀx as [1, n] × [n, 1]: ∇_y = x at any y (here y = x), so the outer function is 4 Σ x.
    const g = (x: m.Value) => {
      const inner_ = (y: m.Value) => m.sum(m.matmul(m.reshape(y, [1, 4]), m.reshape(x, [4, 1])));
      return m.sum(m.mul(2, m.add(gradient(inner_, inner(), x) as m.Value, x)));
    };
    expectClose(gradient(g, outer(), x0), Float64Array.of(4, 4, 4, 4), tol);
  });

  test('concat of outer and inner values, in both orders: ∇ₓ ⟨x, ∇_y Σ [x; y] ⊙ [y; x]⟩ = 4x', () => {
    // Σ [x; y] ⊙ [y; x] = 2⟨x, y⟩: ∇_y = 2x, and ⟨x, 2x⟩ = 2‖x‖².
    const g = (x: m.Value) => {
      const f = (y: m.Value) => m.sum(m.mul(m.concat([x, y]), m.concat([y, x])));
      return m.dot(x, gradient(f, inner(), new Float64Array(4)) as m.Value);
    };
    expectClose(gradient(g, outer(), x0), twice(x0, 4), tol);
    expectClose(
      derivative((s: m.Value) => g(m.mul(s, x0)), outer(), 1),
      4 * sumSq(x0),
      tol,
    );
  });

  test('where choosing between an outer and an inner value: ∇ₓ ⟨x, ∇_y Σ where(c, x, y) ⊙ y at y = x⟩ = 2(2 − c) ⊙ x', () => {
    // ∇_y = c ⊙ x + 2(1 − c) ⊙ y, at y = x: (2 − c) ⊙ x; the outer function is Σ (2 − c) x².
    const c = Float64Array.of(1, 0, 0, 1);
    const g = (x: m.Value) => {
      const f = (y: m.Value) => m.sum(m.mul(m.where(c, x, y), y));
      return m.dot(x, gradient(f, inner(), x) as m.Value);
    };
    expectClose(
      gradient(g, outer(), x0),
      x0.map((e, i) => 2 * (2 - c[i]!) * e),
      tol,
    );
  });

  test('a Jacobian inside a gradient: ∇ₓ Σ J_y(x ⊙ y) = 1 per element', () => {
    // J_y(x ⊙ y) = diag(x): its sum is Σ x.
    const g = (x: m.Value) => m.sum(jacobian((y: m.Value) => m.mul(x, y), inner(), x0) as m.Value);
    expectClose(gradient(g, outer(), x0), Float64Array.of(1, 1, 1, 1), tol);
  });

  test('secondOrder of the pair: the Hessian of Σ xᵢ³ + x₀x₁ is diag(6x) plus the cross term', () => {
    const f = (x: m.Value) => m.add(m.sum(m.pow(x, 3)), m.mul(m.get(x, 0), m.get(x, 1)));
    const H = hessian(f, secondOrder(outer(), inner()), x0);
    const expected = new Float64Array(16);
    for (let i = 0; i < 4; i++) expected[5 * i] = 6 * x0[i]!;
    expected[1] = 1;
    expected[4] = 1;
    expect(H.shape).toEqual([4, 4]);
    expectClose(H, expected, tol === 1e-13 ? 1e-12 : 1e-5);
  });
});
