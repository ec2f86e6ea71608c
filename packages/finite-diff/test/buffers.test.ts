import {
  type Buffer,
  PreparationMismatchError,
  buffer,
  cache,
  constant,
  gradient,
  hessian,
  inPlace,
  jacobian,
  prepareGradient,
  pushforward,
  secondDerivative,
  valueAndDerivative,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { describe, expect, test } from 'vitest';
import { finiteDiff } from '../src/index.js';
import { relativeError } from './reference.js';

/** Reads the buffer before writing it: t = b[1]; b[1] = x·b[0]; b[0] = t + x; returns b[0]·b[1]. */
function readsBeforeWriting(b: Buffer) {
  return (x: m.Value) => {
    const t = b.get(1);
    b.set(1, m.mul(x, b.get(0)));
    b.set(0, m.add(t, x));
    return m.mul(b.get(0), b.get(1));
  };
}

/** What one plain call at x leaves in a buffer that held `state`, computed in plain JS. */
function afterOnePlainCall(state: readonly number[], x: number): number[] {
  return [state[1]! + x, x * state[0]!];
}

const engines = [
  ['central', finiteDiff()],
  ['forward', finiteDiff({ scheme: 'forward' })],
  ['backward', finiteDiff({ scheme: 'backward' })],
  ['central with Richardson', finiteDiff({ richardson: true })],
] as const;

describe('every evaluation sees the buffer state the call began with', () => {
  for (const [label, fd] of engines) {
    test(`${label}: the derivative at the starting state, and afterwards the state of one plain call`, () => {
      const b = buffer(Float64Array.of(2, 3));
      const f = readsBeforeWriting(b);
      const tol = label === 'central' ? 1e-7 : label.startsWith('central') ? 1e-10 : 1e-6;
      let state = [2, 3];
      for (const x of [1.5, -0.5, 2]) {
        // y = (b₁ + x)·x·b₀, so dy/dx = b₀·(b₁ + 2x) at the state the call began with
        const [y, d] = valueAndDerivative(f, fd, x);
        expect(y).toBe((state[1]! + x) * x * state[0]!);
        expect(relativeError(d as number, state[0]! * (state[1]! + 2 * x))).toBeLessThanOrEqual(tol);
        state = afterOnePlainCall(state, x);
        expect(Array.from(b.toFloat64Array())).toEqual(state);
      }
    });
  }

  test('the same holds for pushforward, jacobian, gradient, second derivatives and Hessians', () => {
    const fd = finiteDiff();
    const b = buffer(Float64Array.of(2, 3));
    const f = readsBeforeWriting(b);
    const x = 1.5;
    const run = (op: () => number, expected: (s: number[]) => number, tol: number) => {
      const s = Array.from(b.toFloat64Array());
      expect(relativeError(op(), expected(s))).toBeLessThanOrEqual(tol);
      expect(Array.from(b.toFloat64Array())).toEqual(afterOnePlainCall(s, x));
    };
    const d1 = (s: number[]) => s[0]! * (s[1]! + 2 * x);
    const d2 = (s: number[]) => 2 * s[0]!;
    run(() => pushforward(f, fd, x, [1])[0] as number, d1, 1e-7);
    run(() => jacobian(f, fd, x).data[0]!, d1, 1e-7);
    run(() => gradient(f, fd, x), d1, 1e-7);
    run(() => secondDerivative(f, fd, x) as number, d2, 1e-6);
    run(() => hessian(f, fd, x).data[0]!, d2, 1e-6);
  });

  test('a vector input: cumulative sums written into an enclosed buffer that starts non-zero', () => {
    const c = buffer(Float64Array.of(10, 0, 0));
    // c[0] += x₀; c[i] = c[i−1] + xᵢ; returns Σ c[i]²
    const f = (x: m.Value) => {
      c.set(0, m.add(c.get(0), m.get(x, 0)));
      for (let i = 1; i < 3; i++) c.set(i, m.add(c.get(i - 1), m.get(x, i)));
      return m.sum(m.square(c.read()));
    };
    const x = Float64Array.of(1, 2, 3);
    // from c₀ = 10: c = [11, 13, 16], ∂/∂xⱼ Σ cᵢ² = 2 Σ_{i ≥ j} cᵢ
    const g = gradient(f, finiteDiff(), x);
    expect(relativeError(g, [2 * (11 + 13 + 16), 2 * (13 + 16), 2 * 16])).toBeLessThanOrEqual(1e-7);
    expect(Array.from(c.toFloat64Array())).toEqual([11, 13, 16]);
  });
});

describe('contexts', () => {
  test('constant: passed unchanged and never differentiated', () => {
    const p = Float64Array.of(1, 2, 3);
    const f = (x: m.Value, q: Float64Array) => m.sum(m.mul(q, m.square(x)));
    const x = Float64Array.of(0.5, -1, 2);
    const g = gradient(f, finiteDiff(), x, constant(p));
    expect(relativeError(g, [2 * 1 * 0.5, 2 * 2 * -1, 2 * 3 * 2])).toBeLessThanOrEqual(1e-7);
    expect(Array.from(p)).toEqual([1, 2, 3]);
  });

  test('cache: scratch space written and read by f, the same buffer on every prepared call', () => {
    const seen = new Set<Buffer>();
    const f = (x: m.Value, s: Buffer) => {
      seen.add(s);
      s.set(0, m.square(m.get(x, 0)));
      s.set(1, m.mul(s.get(0), m.get(x, 1)));
      return m.add(s.get(1), s.get(0));
    };
    // f = x₀²·x₁ + x₀², ∇f = [2x₀x₁ + 2x₀, x₀²]
    const prep = prepareGradient(f, finiteDiff(), Float64Array.of(1, 1), cache(2));
    for (const [a, b] of [
      [1.5, -2],
      [0.3, 4],
    ] as const) {
      const g = prep.gradient(Float64Array.of(a, b), cache(2));
      expect(relativeError(g, [2 * a * b + 2 * a, a * a])).toBeLessThanOrEqual(1e-7);
    }
    expect(seen.size).toBe(1);
    expect(() => prep.gradient(Float64Array.of(1, 1), cache(3) as never)).toThrow(PreparationMismatchError);
    expect(() => prep.gradient(Float64Array.of(1, 1), constant(2) as never)).toThrow(
      PreparationMismatchError,
    );
  });

  test('an in-place f(y, x) writing its output into a buffer', () => {
    const f = inPlace((y: Buffer, x: m.Value) => {
      y.set(0, m.mul(m.get(x, 0), m.get(x, 1)));
      y.set(1, m.sin(m.get(x, 0)));
    }, 2);
    const x = Float64Array.of(0.7, -1.2);
    const J = jacobian(f, finiteDiff(), x);
    expect(J.shape).toEqual([2, 2]);
    expect(relativeError(J.data, [-1.2, 0.7, Math.cos(0.7), 0])).toBeLessThanOrEqual(1e-7);
    const [jt] = pushforward(f, finiteDiff(), x, [Float64Array.of(1, 1)]);
    expect(relativeError(jt as Float64Array, [-1.2 + 0.7, Math.cos(0.7)])).toBeLessThanOrEqual(1e-7);
  });
});

describe('a buffer written by some evaluations only', () => {
  // Central differences evaluate f at x, then at x + h and x − h: here only x + h writes.
  test.each([
    ['first written by the second evaluation', (x: number) => x > 0.5],
    ['written by the first and second, not the third', (x: number) => x >= 0.5],
  ])('is left as the evaluation at x left it: %s', (_, writes) => {
    const b = buffer(Float64Array.of(1, 2));
    const f = (x: m.Value) => {
      const v = x as number;
      if (writes(v)) {
        b.set(0, 10 * v);
        b.set(1, m.add(b.get(1), v));
      }
      return m.mul(v, v);
    };
    const x = 0.5;
    const after = writes(x) ? [10 * x, 2 + x] : [1, 2];
    expect(relativeError([gradient(f, finiteDiff(), x) as number], [2 * x])).toBeLessThanOrEqual(1e-7);
    expect(Array.from(b.read() as Float64Array)).toEqual(after);
    // and on a repeated prepared call, from that state
    const p = prepareGradient(f, finiteDiff(), x);
    p.gradient(x);
    const again = writes(x) ? [10 * x, 2 + 2 * x] : [1, 2];
    expect(Array.from(b.read() as Float64Array)).toEqual(again);
  });
});
