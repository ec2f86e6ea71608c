import {
  type Buffer,
  buffer,
  cache,
  derivative,
  gradient,
  jacobian,
  prepareDerivative,
  prepareJacobian,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { describe, expect, test } from 'vitest';
import { forward } from '../src/index.js';
import { expectClose, matrix } from './helpers.js';

describe('closure over a mutated buffer (the motivating example)', () => {
  const a = buffer(1);
  const f = (x: m.Value) => {
    a.set(0, 1);
    a.set(0, m.add(a.get(0), x));
    return m.square(a.get(0));
  };

  test('derivative is 2(1 + x) on every one of 500 calls, and a holds 1 + x afterwards', () => {
    for (let i = 0; i < 500; i++) {
      const x = (i % 7) - 3;
      expect(derivative(f, forward(), x)).toBe(2 * (1 + x));
      expect(a.get(0)).toBe(1 + x);
    }
  });

  test('the same through one preparation', () => {
    const prep = prepareDerivative(f, forward(), 0);
    for (let i = 0; i < 500; i++) {
      const x = i / 10;
      expect(prep.derivative(x)).toBe(2 * (1 + x));
      expect(a.get(0)).toBe(1 + x);
    }
  });

  test('cumulative sums written into an enclosed buffer, over several chunked passes', () => {
    const n = 7;
    const c = buffer(n);
    const h = (x: m.Value) => {
      c.set(0, m.get(x, 0));
      for (let i = 1; i < n; i++) c.set(i, m.add(c.get(i - 1), m.get(x, i)));
      return m.sum(m.square(c.read()));
    };
    const x = Float64Array.from({ length: n }, (_, i) => i + 1);
    // f = Σₖ Sₖ² with Sₖ = Σ_{i≤k} xᵢ  ⇒  ∂f/∂xⱼ = Σ_{k≥j} 2 Sₖ
    const S = x.map((_, k) => x.slice(0, k + 1).reduce((s, v) => s + v, 0));
    const expected = x.map((_, j) => S.slice(j).reduce((s, v) => s + 2 * v, 0));
    for (let rep = 0; rep < 3; rep++) expectClose(gradient(h, forward({ chunk: 3 }), x), expected, 0);
    expectClose(c.toFloat64Array(), S, 0);
  });
});

describe('a function that reads a buffer before writing it', () => {
  // y = w + (Σx) w with w = s ⊙ x, where s is state carried across calls (s ← s + x) and w
  // lives in a cache. Every chunked pass must see the s the call began with.
  const n = 5;
  const makeF = (s: Buffer, evaluations: { count: number }) => (x: m.Value, w: Buffer) => {
    evaluations.count++;
    w.assign(m.mul(s.read(), x));
    s.assign(m.add(s.read(), x));
    return m.add(w.read(), m.mul(m.sum(x), w.read()));
  };
  const expectedJacobian = (s0: Float64Array, x: Float64Array) => {
    const total = x.reduce((a, v) => a + v, 0);
    return matrix(n, n, (i, j) => (i === j ? s0[i]! * (1 + total) : 0) + s0[i]! * x[i]!);
  };
  const x = Float64Array.of(0.5, -1, 2, 0.25, 3);

  test.each([1, 3, n])('chunk %i: ⌈n/chunk⌉ evaluations, each at the starting state', (chunk) => {
    const s = buffer(Float64Array.of(1, 2, 3, 4, 5));
    const evaluations = { count: 0 };
    const f = makeF(s, evaluations);
    for (let call = 0; call < 3; call++) {
      const s0 = s.toFloat64Array();
      evaluations.count = 0;
      expectClose(jacobian(f, forward({ chunk }), x, cache(new Float64Array(n))), expectedJacobian(s0, x));
      expect(evaluations.count).toBe(Math.ceil(n / chunk));
      expectClose(
        s.toFloat64Array(),
        s0.map((v, i) => v + x[i]!),
        0,
      );
    }
  });

  test('prepared, with the cache allocated once and reused', () => {
    const s = buffer(Float64Array.of(1, 2, 3, 4, 5));
    const f = makeF(s, { count: 0 });
    const prep = prepareJacobian(f, forward({ chunk: 2 }), x, cache(new Float64Array(n)));
    for (let call = 0; call < 3; call++) {
      const s0 = s.toFloat64Array();
      expectClose(prep.jacobian(x, cache(new Float64Array(n))), expectedJacobian(s0, x));
      expectClose(
        s.toFloat64Array(),
        s0.map((v, i) => v + x[i]!),
        0,
      );
    }
  });
});
