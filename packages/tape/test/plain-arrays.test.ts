/**
 * Plain arrays that f reads are differentiated with the values each op saw, even when f
 * overwrites them later in the same evaluation: the tape must not keep them by reference.
 */
import { NDArray, constant, gradient, hessian, jacobian, prepareGradient } from '@diffint/core';
import * as m from '@diffint/core/math';
import { describe, expect, test } from 'vitest';
import { tape } from '../src/index.js';

// The same checks run on every engine in the conformance suite; here they pin the tape.
const engines = [['tape', tape]] as const;

describe.each(engines)('%s: an array refilled between two ops', (_, engine) => {
  test('elementwise: coef.fill(2); x·coef; coef.fill(5); x·coef gives ∇ = 7', () => {
    const coef = new Float64Array(3);
    const f = (x: m.Value) => {
      coef.fill(2);
      const y1 = m.mul(x, coef);
      coef.fill(5);
      const y2 = m.mul(x, coef);
      return m.sum(m.add(y1, y2));
    };
    const g = gradient(f, engine(), Float64Array.of(1, -2, 3));
    expect(Array.from(g)).toEqual([7, 7, 7]);
    // Prepared and called twice: the same, and coef is left as one plain call leaves it.
    const prep = prepareGradient(f, engine(), Float64Array.of(0, 0, 0));
    expect(Array.from(prep.gradient(Float64Array.of(4, 5, 6)))).toEqual([7, 7, 7]);
    expect(Array.from(prep.gradient(Float64Array.of(4, 5, 6)))).toEqual([7, 7, 7]);
    expect(Array.from(coef)).toEqual([5, 5, 5]);
  });

  test('a matrix refilled between two matvec steps', () => {
    // y = M₂·(M₁·x) where M holds M₁ for the first step and M₂ for the second: J = M₂·M₁.
    const M = new NDArray(new Float64Array(4), [2, 2]);
    const M1 = [1, 2, 3, 4];
    const M2 = [0, 1, -1, 2];
    const f = (x: m.Value) => {
      M.data.set(M1);
      const h = m.matvec(M, x);
      M.data.set(M2);
      return m.matvec(M, h);
    };
    const J = jacobian(f, engine(), Float64Array.of(0.5, -1));
    // M₂·M₁ = [[0·1 + 1·3, 0·2 + 1·4], [-1·1 + 2·3, -1·2 + 2·4]] = [[3, 4], [5, 6]]
    expect(Array.from(J.data)).toEqual([3, 4, 5, 6]);
  });

  test('a constant() array refilled inside f', () => {
    const f = (x: m.Value, w: Float64Array) => {
      w.fill(3);
      const a = m.dot(x, w);
      w.fill(-1);
      return m.mul(a, m.dot(x, w));
    };
    // f = (3 Σx)(−Σx) = −3 (Σx)²: ∇ = −6 Σx per element.
    const x = Float64Array.of(1, 2);
    const g = gradient(f, engine(), x, constant(new Float64Array(2)));
    expect(Array.from(g)).toEqual([-18, -18]);
  });

  test('second order, with the array refilled between the ops', () => {
    const c = new Float64Array(1);
    const f = (x: m.Value) => {
      c[0] = 2;
      const a = m.mul(m.square(x), c);
      c[0] = 7;
      return m.sum(m.mul(a, c));
    };
    // f = 14 Σ x²: H = 28 I.
    const H = hessian(f, engine(), Float64Array.of(1, 2));
    expect(Array.from(H.data)).toEqual([28, 0, 0, 28]);
  });
});

test('tape: the input array written by f through a closure does not change the derivative', () => {
  const x = Float64Array.of(1, 2, 3);
  const f = (v: m.Value) => {
    const y = m.sum(m.square(v));
    x.fill(0);
    return y;
  };
  expect(Array.from(gradient(f, tape(), x))).toEqual([2, 4, 6]);
});

test('tape: m.value of a traced array is a copy, so writing it cannot change the derivative', () => {
  const f = (v: m.Value) => {
    const y = m.square(v);
    const seen = m.value(y) as Float64Array;
    seen.fill(100);
    return m.sum(m.mul(y, v));
  };
  // f = Σ x³: ∇ = 3x².
  expect(Array.from(gradient(f, tape(), Float64Array.of(1, 2)))).toEqual([3, 12]);
});
