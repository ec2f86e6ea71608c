import {
  TracedValueError,
  buffer,
  cache,
  derivative,
  gradient,
  jacobian,
  prepareDerivative,
  prepareJacobian,
  type Buffer,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { beforeAll, describe, expect, test } from 'vitest';
import { tfjs } from '../src/index.js';
import { backends, useBackend } from './backends.js';

/** float32 has a 24-bit significand: about 6e-8 relative rounding per operation. */
const close = (actual: number, expected: number, rel = 1e-5) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));

describe.each(backends)('closures over buffers, %s backend', (name) => {
  beforeAll(() => useBackend(name));

  // The motivating example: d/dx (1 + x)² = 2(1 + x), through an enclosed, mutated buffer.
  const a = buffer(1);
  const f = (x: m.Value) => {
    a.set(0, 1);
    a.set(0, m.add(a.get(0), x));
    return m.square(a.get(0));
  };

  test('derivative is 2(1 + x) on every one of repeated calls, and a holds 1 + x', () => {
    for (let i = 0; i < 50; i++) {
      const x = (i % 7) - 3.5;
      close(derivative(f, tfjs(), x) as number, 2 * (1 + x));
      expect(a.get(0)).toBe(1 + x);
    }
  });

  test('derivative is 2(1 + x) on every one of repeated prepared calls', () => {
    const prep = prepareDerivative(f, tfjs(), 0);
    for (let i = 0; i < 50; i++) {
      const x = i / 8;
      close(prep.derivative(x) as number, 2 * (1 + x));
      expect(a.get(0)).toBe(1 + x);
    }
  });

  test('the same function over a plain Float64Array throws TracedValueError', () => {
    const plain = new Float64Array(1);
    const g = (x: m.Value) => {
      plain[0] = 1;
      plain[0] = m.add(plain[0], x) as number;
      return m.square(plain[0]);
    };
    expect(() => derivative(g, tfjs(), 2)).toThrow(TracedValueError);
    expect(plain[0]).toBe(1);
  });

  test('cumulative sums written into an enclosed buffer, read back whole', () => {
    const n = 6;
    const c = buffer(n);
    const h = (x: m.Value) => {
      c.set(0, m.get(x, 0));
      for (let i = 1; i < n; i++) c.set(i, m.add(c.get(i - 1), m.get(x, i)));
      return m.sum(m.square(c.read()));
    };
    const x = Float64Array.from({ length: n }, (_, i) => (i + 1) / 4);
    // f = Σ_k S_k², S_k = Σ_{i≤k} x_i  ⇒  ∂f/∂x_j = Σ_{k≥j} 2 S_k
    const S = x.map((_, k) => x.slice(0, k + 1).reduce((s, v) => s + v, 0));
    const expected = x.map((_, j) => S.slice(j).reduce((s, v) => s + 2 * v, 0));
    for (let rep = 0; rep < 3; rep++) {
      const g = gradient(h, tfjs(), x);
      expected.forEach((e, j) => close(g[j]!, e));
    }
    // the buffer holds the primal values of the last call (rounded to float32 on the way)
    S.forEach((s, k) => close(c.get(k) as number, s));
  });

  test('a buffer read before it is written: every evaluation of a Jacobian sees the starting state', () => {
    // y_i = state_i · x_i, then the state advances: one plain call at x leaves state + x.
    const state = buffer(Float64Array.of(1, 2, 3));
    const step = (x: m.Value) => {
      const s = state.read();
      state.assign(m.add(s, x));
      return m.mul(s, x);
    };
    const x = Float64Array.of(0.5, -1, 2);
    const J = jacobian(step, tfjs(), x);
    // J = diag(state) at the starting state, for all three rows
    expect(Array.from(J.data)).toEqual([1, 0, 0, 0, 2, 0, 0, 0, 3]);
    expect(Array.from(state.toFloat64Array())).toEqual([1.5, 1, 5]);
  });

  test('a cache() context is scratch space for traced values, reused by a preparation', () => {
    // y = cumulative product of x, computed in the cache
    const rhs = (x: m.Value, scratch: Buffer) => {
      scratch.set(0, m.get(x, 0));
      for (let i = 1; i < 3; i++) scratch.set(i, m.mul(scratch.get(i - 1), m.get(x, i)));
      return scratch.read();
    };
    const prep = prepareJacobian(rhs, tfjs(), new Float64Array(3), cache(new Float64Array(3)));
    for (const x of [Float64Array.of(2, 3, 4), Float64Array.of(-1, 0.5, 2)]) {
      const [x0, x1, x2] = x as unknown as [number, number, number];
      const expected = [
        [1, 0, 0],
        [x1, x0, 0],
        [x1 * x2, x0 * x2, x0 * x1],
      ];
      const J = prep.jacobian(x, cache(new Float64Array(3)));
      expected.forEach((row, i) => row.forEach((e, j) => close(J.at(i, j), e)));
    }
  });
});
