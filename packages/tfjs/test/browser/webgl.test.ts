/**
 * The adapter on TensorFlow.js's webgl backend, in the browser run (WebGL through SwiftShader in
 * headless Chromium). Its shaders compute exp, sin and cos to about 2e-4 relative (the largest
 * error measured against float64, for cos), ten times float32's rounding on the cpu backend:
 * the references here are analytic and the tolerance is that precision, `rel` below.
 */
import {
  buffer,
  derivative,
  gradient,
  hessian,
  hvp,
  jacobian,
  NDArray,
  pullback,
  pushforward,
} from '@diffint/core';
import { secondDerivative, valueAndGradient } from '@diffint/core';
import * as m from '@diffint/core/math';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { tfjs } from '../../src/index.js';

const rel = 5e-4;
const close = (got: ArrayLike<number>, want: ArrayLike<number>) => {
  expect(got.length).toBe(want.length);
  const scale = Math.max(1, ...Array.from(want, Math.abs));
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(rel * scale);
};

// f(x) = Σ xᵢ² xᵢ₊₁ + Σ sin xᵢ: a gradient and a Hessian with off-diagonal terms, in closed form.
const f = (x: m.Value) => {
  const n = m.size(x);
  const head = m.slice(x, 0, n - 1);
  const tail = m.slice(x, 1, n);
  return m.add(m.sum(m.mul(m.square(head), tail)), m.sum(m.sin(x)));
};
const x = Float64Array.of(0.3, -0.7, 1.1, 0.5);
const n = x.length;
const fOf = (v: Float64Array) => {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += Math.sin(v[i]!) + (i + 1 < v.length ? v[i]! ** 2 * v[i + 1]! : 0);
  return s;
};
const grad = Float64Array.from(x, (xi, k) => {
  return Math.cos(xi) + (k + 1 < n ? 2 * xi * x[k + 1]! : 0) + (k > 0 ? x[k - 1]! ** 2 : 0);
});
const hess = new Float64Array(n * n);
for (let k = 0; k < n; k++) {
  hess[k * n + k] = -Math.sin(x[k]!) + (k + 1 < n ? 2 * x[k + 1]! : 0);
  if (k + 1 < n) hess[k * n + k + 1] = hess[(k + 1) * n + k] = 2 * x[k]!;
}

beforeAll(async () => {
  expect(await tf.setBackend('webgl')).toBe(true);
  await tf.ready();
});

describe('tfjs() on the webgl backend', () => {
  test('runs on webgl', () => {
    expect(tf.getBackend()).toBe('webgl');
  });

  test('gradient and valueAndGradient', () => {
    close(gradient(f, tfjs(), x), grad);
    const [y, g] = valueAndGradient(f, tfjs(), x);
    close([y], [fOf(x)]);
    close(g, grad);
  });

  test('jacobian, pushforward and pullback of an elementwise map: diag((1 + x)·eˣ)', () => {
    const g = (v: m.Value) => m.mul(m.exp(v), v);
    const d = Float64Array.from(x, (xi) => (1 + xi) * Math.exp(xi));
    const want = new Float64Array(n * n);
    d.forEach((di, i) => {
      want[i * n + i] = di;
    });
    close(jacobian(g, tfjs(), x).data, want);
    const t = Float64Array.of(1, 2, 3, 4);
    close(
      pushforward(g, tfjs(), x, [t])[0] as Float64Array,
      d.map((di, i) => di * t[i]!),
    );
    close(
      pullback(g, tfjs(), x, [t])[0]!,
      d.map((di, i) => di * t[i]!),
    );
  });

  test('hessian and hvp (gradients of gradients)', () => {
    close(hessian(f, tfjs(), x).data, hess);
    const t = Float64Array.of(1, 0, -1, 2);
    const want = Float64Array.from({ length: n }, (_, i) =>
      hess.slice(i * n, i * n + n).reduce((s, h, j) => s + h * t[j]!, 0),
    );
    close(hvp(f, tfjs(), x, [t])[0]!, want);
  });

  test('a closure over a mutated buffer, and a second derivative', () => {
    const a = buffer(1);
    const g = (v: m.Value) => {
      a.set(0, 1);
      a.set(0, m.add(a.get(0), v));
      return m.square(a.get(0));
    };
    close([derivative(g, tfjs(), 2) as number], [6]);
    close([secondDerivative(m.sin, tfjs(), 0.8) as number], [-Math.sin(0.8)]);
  });

  test('each unary primitive: value and derivative against float64', () => {
    const at = Float64Array.of(0.2, 0.9, 1.7);
    const cases: [string, (v: m.Value) => m.Value, (x: number) => number, (x: number) => number][] = [
      ['exp', m.exp, Math.exp, Math.exp],
      ['log', m.log, Math.log, (v) => 1 / v],
      ['sin', m.sin, Math.sin, Math.cos],
      ['cos', m.cos, Math.cos, (v) => -Math.sin(v)],
      ['tan', m.tan, Math.tan, (v) => 1 / Math.cos(v) ** 2],
      ['tanh', m.tanh, Math.tanh, (v) => 1 - Math.tanh(v) ** 2],
      ['sigmoid', m.sigmoid, (v) => 1 / (1 + Math.exp(-v)), (v) => Math.exp(-v) / (1 + Math.exp(-v)) ** 2],
      ['sqrt', m.sqrt, Math.sqrt, (v) => 0.5 / Math.sqrt(v)],
      ['square', m.square, (v) => v * v, (v) => 2 * v],
    ];
    for (const [name, op, value, slope] of cases) {
      const [y, g] = valueAndGradient((v: m.Value) => m.sum(op(v)), tfjs(), at);
      expect.soft(Math.abs(y - at.reduce((s, v) => s + value(v), 0)), name).toBeLessThanOrEqual(rel * 10);
      close(g, at.map(slope));
    }
  });

  test('empty inputs and products with a zero-sized dimension', () => {
    const none = new Float64Array(0);
    expect(gradient((v: m.Value) => m.add(m.sum(m.square(v)), 1), tfjs(), none)).toEqual(none);
    const M = new NDArray(new Float64Array(0), [0, 3]);
    close(
      gradient((v: m.Value) => m.add(m.sum(m.matvec(M, v)), m.sum(m.square(v))), tfjs(), x.slice(0, 3)),
      [0.6, -1.4, 2.2],
    );
  });

  test('no tensor is left behind by 100 calls', () => {
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) gradient(f, tfjs(), x);
    hessian(f, tfjs(), x);
    expect(tf.memory().numTensors).toBe(before);
  });
});
