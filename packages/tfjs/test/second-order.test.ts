import {
  NestingError,
  buffer,
  derivative,
  gradient,
  hessian,
  hvp,
  prepareHessian,
  prepareHvp,
  secondDerivative,
  secondOrder,
  valueDerivativeAndSecondDerivative,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { finiteDiff } from '@diffint/finite-diff';
import { tape } from '@diffint/tape';
import { beforeAll, describe, expect, test } from 'vitest';
import { tfjs } from '../src/index.js';
import { backends, useBackend } from './backends.js';

const close = (actual: number, expected: number, rel = 1e-5) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));

// f(x) = Σ_i x_i² x_{i+1} + Σ sin x_i: a Hessian with off-diagonal terms
const f = (x: m.Value) => m.add(m.sum(m.mul(m.square(m.slice(x, 0, 3)), m.slice(x, 1, 4))), m.sum(m.sin(x)));
function analyticHessian(x: Float64Array): number[][] {
  const n = x.length;
  const H = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const add = (i: number, j: number, v: number) => {
    H[i]![j] = H[i]![j]! + v;
  };
  for (let i = 0; i < n; i++) add(i, i, -Math.sin(x[i]!));
  for (let i = 0; i + 1 < n; i++) {
    add(i, i, 2 * x[i + 1]!);
    add(i, i + 1, 2 * x[i]!);
    add(i + 1, i, 2 * x[i]!);
  }
  return H;
}
const x = Float64Array.of(0.5, -1.2, 2, 0.3);

describe.each(backends)('second order, %s backend', (name) => {
  beforeAll(() => useBackend(name));

  const expectHessian = (H: { at(i: number, j: number): number; shape: readonly number[] }, rel = 1e-5) => {
    const ref = analyticHessian(x);
    expect(H.shape).toEqual([4, 4]);
    ref.forEach((row, i) => row.forEach((e, j) => close(H.at(i, j), e, rel)));
  };

  test('hessian by gradients of gradients, unprepared and prepared', () => {
    expectHessian(hessian(f, tfjs(), x));
    const prep = prepareHessian(f, tfjs(), x);
    expectHessian(prep.hessian(x));
    expectHessian(prep.hessian(x));
  });

  test('hvp for a batch of tangents, and the gradient alongside', () => {
    const H = analyticHessian(x);
    const ts = [Float64Array.of(1, 0, 0, 0), Float64Array.of(0.5, -1, 2, 1)];
    const prep = prepareHvp(f, tfjs(), x, ts);
    const [g, hts] = prep.gradientAndHvp(x, ts);
    ts.forEach((t, k) =>
      H.forEach((row, i) =>
        close(
          hts[k]![i]!,
          row.reduce((s, h, j) => s + h * t[j]!, 0),
        ),
      ),
    );
    // ∇f: 2 x_i x_{i+1} + x_{i-1}² + cos x_i
    x.forEach((xi, i) => {
      const e = (i < 3 ? 2 * xi * x[i + 1]! : 0) + (i > 0 ? x[i - 1]! ** 2 : 0) + Math.cos(xi);
      close(g[i]!, e);
    });
    expect(hvp(f, tfjs(), x, [])).toEqual([]);
  });

  test('the closure over a buffer: d²/dx² (1 + x)² = 2 on repeated calls', () => {
    const a = buffer(1);
    const g = (x: m.Value) => {
      a.set(0, 1);
      a.set(0, m.add(a.get(0), m.get(x, 0)));
      return m.square(a.get(0));
    };
    for (const x0 of [0.5, -3, 2]) {
      expect(hessian(g, tfjs(), Float64Array.of(x0)).at(0, 0)).toBe(2);
      expect(a.get(0)).toBe(1 + x0);
    }
  });

  test('secondDerivative of the closure over a buffer, repeated (tfjs nested in itself)', () => {
    const a = buffer(1);
    const g = (x: m.Value) => {
      a.set(0, 1);
      a.set(0, m.add(a.get(0), x));
      return m.square(a.get(0));
    };
    for (const x0 of [0.5, -3, 2]) {
      expect(secondDerivative(g, tfjs(), x0)).toBe(2);
      expect(a.get(0)).toBe(1 + x0);
    }
  });

  test('secondDerivative of a vector output (tfjs nested in itself)', () => {
    const h = (t: m.Value) => m.stack([m.mul(m.sin(t), t), m.exp(m.mul(t, 0.5))]);
    const t = 0.8;
    const d2 = secondDerivative(h, tfjs(), t) as Float64Array;
    close(d2[0]!, 2 * Math.cos(t) - t * Math.sin(t));
    close(d2[1]!, 0.25 * Math.exp(0.5 * t));
  });

  test('secondOrder(finiteDiff(), tfjs()): differences of TensorFlow.js gradients', () => {
    // Central differences of float32 gradients need a step balanced for float32: ∛ε₃₂ ≈ 5e-3.
    // Rounding then costs about ε₃₂·|∇f|/h ≈ 1e-4 relative, truncation h²·|f‴|/6 about as much.
    expectHessian(hessian(f, secondOrder(finiteDiff({ step: 5e-3 }), tfjs()), x), 1e-3);
  });

  test('third derivatives by tfjs nested three deep, through exp, tanh and sigmoid', () => {
    const third = (g: (x: m.Value) => m.Value, x0: number) =>
      derivative((t: m.Value) => secondDerivative(g, tfjs(), t) as m.Value, tfjs(), x0) as number;
    close(
      third((x) => m.exp(m.mul(x, 2)), 0.3),
      8 * Math.exp(0.6),
      1e-4,
    );
    const th = Math.tanh(0.4);
    close(third(m.tanh, 0.4), -2 * (1 - th * th) * (1 - 3 * th * th), 1e-4);
    const s = 1 / (1 + Math.exp(-0.7));
    close(third(m.sigmoid, 0.7), s * (1 - s) * (1 - 6 * s + 6 * s * s), 1e-4);
  });

  test('a parameter that reaches the innermost of three nested passes only (d/dp d/dx d/dy of p·y²)', () => {
    // The middle pass never reads p itself; its results must still stay connected to the outer pass.
    const f = (p: m.Value) => (y: m.Value) => m.mul(p, m.mul(y, y));
    const third = derivative(
      (p: m.Value) => derivative((x: m.Value) => derivative(f(p), tfjs(), x), tfjs(), 0.7),
      tfjs(),
      1.5,
    );
    close(third as number, 2, 1e-6);
    const viaSecond = derivative((p: m.Value) => secondDerivative(f(p), tfjs(), 0.7), tfjs(), 1.5);
    close(viaSecond as number, 2, 1e-6);
    const [v, d, d2] = Array.from(
      derivative(
        (p: m.Value) => m.stack(valueDerivativeAndSecondDerivative(f(p), tfjs(), 0.7) as m.Value[]),
        tfjs(),
        1.5,
      ) as Float64Array,
    );
    close(v!, 0.49, 1e-6);
    close(d!, 1.4, 1e-6);
    close(d2!, 2, 1e-6);
  });

  test('secondOrder(tfjs(), tape()): TensorFlow.js differentiates the tape gradient', () => {
    expectHessian(hessian(f, secondOrder(tfjs(), tape()), x));
  });

  test('secondOrder of two tfjs engines', () => {
    expectHessian(hessian(f, secondOrder(tfjs(), tfjs()), x));
  });

  test('nested derivatives are told apart: d/dx [x · d/dy (x + y)] = 1 and d/dx [d/dy (x·y) at y = x] = 1', () => {
    const t = tfjs();
    expect(
      derivative((x: m.Value) => m.mul(x, derivative((y: m.Value) => m.add(x, y), t, 1) as m.Value), t, 3),
    ).toBe(1);
    expect(derivative((x: m.Value) => derivative((y: m.Value) => m.mul(x, y), t, x) as m.Value, t, 3)).toBe(
      1,
    );
    // and the inner result depends on x: d/dx [d/dy (x² y)] = 2x
    close(
      derivative(
        (x: m.Value) => derivative((y: m.Value) => m.mul(m.square(x), y), t, 1) as m.Value,
        t,
        3,
      ) as number,
      6,
    );
  });

  test('tfjs inside a tape differentiation is refused with NestingError naming both', () => {
    expect(() => hessian(f, secondOrder(tape(), tfjs()), x)).toThrow(NestingError);
    expect(() => hessian(f, secondOrder(tape(), tfjs()), x)).toThrow(/tfjs backend cannot run inside a tape/);
    // the same when a tape value is enclosed by f
    expect(() =>
      gradient(
        (y: m.Value) => m.mul(y, derivative((z: m.Value) => m.mul(z, m.get(y, 0)), tfjs(), 1) as m.Value),
        tape(),
        Float64Array.of(2),
      ),
    ).toThrow(NestingError);
    // a refused pass is not left in progress: the next one is not nested in it
    expect(derivative(m.square, tfjs(), 3)).toBe(6);
  });
});
