/**
 * replay(f) on the forward engine: a prepared derivative or gradient records f once and later
 * calls run the compiled programs without running f (the contract and its guards are tested
 * in packages/tape/test/replay.test.ts; the replay itself is core's, whatever the engine).
 */
import { buffer, prepareDerivative, prepareGradient, replay } from '@diffint/core';
import * as m from '@diffint/core/math';
import { describe, expect, test } from 'vitest';
import { forward } from '../src/index.js';

describe('replay on forward()', () => {
  test('a scalar loop through a buffer: f runs once, every call matches the analytic derivative', () => {
    const steps = 200;
    const s = buffer(steps + 1);
    let runs = 0;
    const w = (i: number) => 1 + (i % 7) / 7;
    const f = (x: m.Value) => {
      runs++;
      s.set(0, x);
      for (let i = 0; i < steps; i++) s.set(i + 1, m.add(s.get(i), m.sin(m.mul(x, w(i)))));
      return s.get(steps);
    };
    const p = prepareDerivative(replay(f), forward(), 0.5);
    for (const x of [0.5, -1.25, 3]) {
      let v = x;
      let d = 1;
      for (let i = 0; i < steps; i++) {
        v += Math.sin(w(i) * x);
        d += w(i) * Math.cos(w(i) * x);
      }
      const [y, dy] = p.valueAndDerivative(x);
      expect(y).toBeCloseTo(v, 11);
      expect(dy).toBeCloseTo(d, 11);
      expect(s.get(steps)).toBe(y);
    }
    expect(runs).toBe(1);
  });

  test('a gradient of a parameter struct', () => {
    let runs = 0;
    const f = (p: { a: m.Value; b: m.Value }) => {
      runs++;
      return m.add(m.sum(m.mul(p.a, p.a)), m.mul(p.b, 3));
    };
    const g = prepareGradient(replay(f), forward(), { a: Float64Array.of(1, 2), b: 1 });
    const r = g.gradient({ a: Float64Array.of(3, -1), b: 5 });
    expect(Array.from(r.a as Float64Array)).toEqual([6, -2]);
    expect(r.b).toBe(3);
    expect(runs).toBe(1);
  });
});
