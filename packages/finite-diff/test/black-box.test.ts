import { NDArray, gradient, hessian, jacobian, pullback, valueAndJacobian } from '@diffint/core';
import type * as m from '@diffint/core/math';
import { describe, expect, test } from 'vitest';
import { finiteDiff } from '../src/index.js';
import { relativeError } from './reference.js';

describe('black-box JS code on plain values', () => {
  test('plain JS arithmetic and Math functions on a Float64Array', () => {
    const f = (v: m.Value) => {
      const x = v as Float64Array;
      let s = 0;
      for (let i = 0; i < x.length; i++) s += Math.exp(-x[i]!) * Math.cos(i * x[i]!);
      return s;
    };
    const x = Float64Array.of(0.1, 0.5, -0.7, 1.3);
    const expected = Array.from(x, (xi, i) => -Math.exp(-xi) * (Math.cos(i * xi) + i * Math.sin(i * xi)));
    expect(relativeError(gradient(f, finiteDiff(), x), expected)).toBeLessThanOrEqual(1e-7);
    expect(relativeError(gradient(f, finiteDiff({ richardson: true }), x), expected)).toBeLessThanOrEqual(
      1e-10,
    );
  });

  test('code that writes its result into the same enclosed Float64Array on every call', () => {
    const out = new Float64Array(3);
    const f = (v: m.Value) => {
      const x = v as Float64Array;
      for (let i = 0; i < 3; i++) out[i] = Math.sin(x[i]!) * x[(i + 1) % 3]!;
      return out;
    };
    const x = Float64Array.of(0.4, -1.1, 2);
    // ∂outᵢ/∂xᵢ = cos(xᵢ)·x₍ᵢ₊₁₎, ∂outᵢ/∂x₍ᵢ₊₁₎ = sin(xᵢ)
    const expected = new Float64Array(9);
    for (let i = 0; i < 3; i++) {
      expected[3 * i + i] = Math.cos(x[i]!) * x[(i + 1) % 3]!;
      expected[3 * i + ((i + 1) % 3)] = Math.sin(x[i]!);
    }
    const [y, J] = valueAndJacobian(f, finiteDiff(), x);
    expect(relativeError(J.data, expected)).toBeLessThanOrEqual(1e-7);
    // the value is f(x), not what the enclosed array held after the last perturbed evaluation
    expect(Array.from(y as Float64Array)).toEqual(Array.from(x, (xi, i) => Math.sin(xi) * x[(i + 1) % 3]!));
    const [vjp] = pullback(f, finiteDiff(), x, [Float64Array.of(1, 1, 1)]);
    const colSums = [0, 1, 2].map((j) => expected[j]! + expected[3 + j]! + expected[6 + j]!);
    expect(relativeError(vjp as Float64Array, colSums)).toBeLessThanOrEqual(1e-7);
  });

  test('a parameter struct read by plain loops: the gradient has its structure', () => {
    // loss(p) = Σᵢ (W·u + b)ᵢ² + s·|b|², with u a fixed input
    const u = [1, -2];
    const loss = (p: { W: m.Value; b: m.Value; s: m.Value }) => {
      const { W, b, s } = p as { W: NDArray; b: Float64Array; s: number };
      let total = 0;
      for (let i = 0; i < 2; i++) {
        const z = W.data[2 * i]! * u[0]! + W.data[2 * i + 1]! * u[1]! + b[i]!;
        total += z * z + s * b[i]! * b[i]!;
      }
      return total;
    };
    const p = {
      W: NDArray.from([
        [0.5, -1],
        [2, 0.25],
      ]),
      b: Float64Array.of(0.1, -0.3),
      s: 0.7,
    };
    const z = [0, 1].map((i) => p.W.data[2 * i]! * u[0]! + p.W.data[2 * i + 1]! * u[1]! + p.b[i]!);
    const g = gradient(loss, finiteDiff(), p);
    expect(g.W).toBeInstanceOf(NDArray);
    expect(g.W.shape).toEqual([2, 2]);
    expect(g.b).toBeInstanceOf(Float64Array);
    expect(typeof g.s).toBe('number');
    const gW = [0, 1].flatMap((i) => [2 * z[i]! * u[0]!, 2 * z[i]! * u[1]!]);
    expect(relativeError(g.W.data, gW)).toBeLessThanOrEqual(1e-7);
    expect(
      relativeError(
        g.b,
        [0, 1].map((i) => 2 * z[i]! + 2 * p.s * p.b[i]!),
      ),
    ).toBeLessThanOrEqual(1e-7);
    expect(relativeError(g.s, 0.1 * 0.1 + 0.3 * 0.3)).toBeLessThanOrEqual(1e-7);
  });

  test('nested pytrees of arrays: the Jacobian is over the flattened leaves', () => {
    const f = (v: [m.Value, { c: m.Value }]) => {
      const [a, { c }] = v as [number, { c: Float64Array }];
      return Float64Array.of(a * c[0]!, c[1]! ** 2);
    };
    const x: [number, { c: Float64Array }] = [2, { c: Float64Array.of(3, -4) }];
    const J = jacobian(f, finiteDiff(), x);
    expect(J.shape).toEqual([2, 3]);
    expect(relativeError(J.data, [3, 2, 0, 0, 0, -8])).toBeLessThanOrEqual(1e-7);
  });

  test('a Hessian of plain code', () => {
    const f = (v: m.Value) => {
      const x = v as Float64Array;
      return x[0]! ** 2 * x[1]! + Math.sin(x[1]!);
    };
    const x = Float64Array.of(1.5, 0.3);
    const H = hessian(f, finiteDiff(), x);
    expect(relativeError(H.data, [2 * 0.3, 2 * 1.5, 2 * 1.5, -Math.sin(0.3)])).toBeLessThanOrEqual(1e-6);
  });
});
