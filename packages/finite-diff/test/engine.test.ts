import { type NDArray, StructureMismatchError } from '@diffint/core';
import type { LeafFn, Value } from '@diffint/core/engine';
import * as m from '@diffint/core/math';
import { describe, expect, test } from 'vitest';
import { finiteDiff } from '../src/index.js';
import { relativeError } from './reference.js';

/** The engine interface used directly, on flat lists of leaves. */
describe('engine interface', () => {
  const fd = finiteDiff();

  test('jacobian over several leaves: [output size, input size] with the outputs at x', () => {
    // leaves: a number a and a vector v of length 2; outputs: [a·v₀, v₁²] and a scalar a + v₀
    const f: LeafFn = ([a, v]) => [
      m.mul(a!, m.stack([m.get(v!, 0), m.div(m.square(m.get(v!, 1)), a!)])),
      m.add(a!, m.get(v!, 0)),
    ];
    const r = fd.jacobian!(f, [2, Float64Array.of(3, -4)], {});
    expect(r.ys[1]).toBe(5);
    expect(Array.from(r.ys[0] as Float64Array)).toEqual([6, 16]);
    const J = r.jacobian as NDArray;
    expect(J.shape).toEqual([3, 3]);
    expect(relativeError(J.data, [3, 2, 0, 0, 0, -8, 1, 1, 0])).toBeLessThanOrEqual(1e-7);
  });

  test('a zero tangent gives zero without evaluating f again', () => {
    let evaluations = 0;
    const f: LeafFn = (xs) => {
      evaluations++;
      return [m.sum(m.exp(xs[0]!))];
    };
    const r = fd.pushforward!(f, [Float64Array.of(1, 2)], [[Float64Array.of(0, 0)]], {});
    expect(r.results[0]).toEqual([0]);
    expect(evaluations).toBe(1);
  });

  test('an output whose size changes between evaluations is a StructureMismatchError', () => {
    let calls = 0;
    const f: LeafFn = (xs) => (calls++ === 0 ? [xs[0]!] : [Float64Array.of(1, 2)]);
    expect(() => fd.jacobian!(f, [1], {})).toThrow(StructureMismatchError);
  });

  test('a call that re-enters the engine with the same key does not disturb its work arrays', () => {
    const key = {};
    const g: LeafFn = (xs) => [m.sum(m.square(xs[0]!))];
    // f evaluates a Jacobian of g with the same key, at 2x, at each of its own points
    const f: LeafFn = (xs) => {
      const inner = fd.jacobian!(g, [m.mul(2, xs[0]!)], key).jacobian as NDArray;
      return [m.sum(m.mul(inner.data, xs[0]!))]; // Σ 2(2xᵢ)·xᵢ = 4|x|²
    };
    const x = Float64Array.of(0.5, -1, 2);
    const J = fd.jacobian!(f, [x], key).jacobian as NDArray;
    expect(
      relativeError(
        J.data,
        Array.from(x, (xi) => 8 * xi),
      ),
    ).toBeLessThanOrEqual(1e-6);
    expect(Array.from(x)).toEqual([0.5, -1, 2]);
  });

  test('an empty input gives an [m, 0] Jacobian after one evaluation', () => {
    let evaluations = 0;
    const f: LeafFn = () => {
      evaluations++;
      return [Float64Array.of(1, 2)];
    };
    const r = fd.jacobian!(f, [new Float64Array(0)], {});
    expect((r.jacobian as NDArray).shape).toEqual([2, 0]);
    expect(evaluations).toBe(1);
  });

  test('Richardson levels multiply the evaluations: 2 per level and coordinate, plus f(x)', () => {
    for (const levels of [0, 1, 2]) {
      let evaluations = 0;
      const f: LeafFn = (xs: readonly Value[]) => {
        evaluations++;
        return [m.sum(m.sin(xs[0]!))];
      };
      finiteDiff({ richardson: levels }).jacobian!(f, [Float64Array.of(1, 2, 3)], {});
      expect(evaluations).toBe(1 + 3 * 2 * (levels + 1));
    }
  });
});
