import { gradient } from '@diffint/core';
import { type Engine, handOver } from '@diffint/core/engine';
import { describe, expect, test } from 'vitest';

/** An engine whose "gradient" is a fixed array, handed over or not. */
function engineReturning(result: Float64Array, handed: boolean): Engine {
  return {
    kind: 'engine',
    name: 'fixed',
    precision: 'float64',
    mode: 'reverse',
    pullback: (f, xs) => ({ ys: f(xs), results: [[handed ? handOver(result) : result]] }),
  };
}

describe('results are fresh', () => {
  const f = (x: unknown) => 0 * (x as Float64Array).length;

  test('a result the engine did not hand over is copied', () => {
    const shared = Float64Array.of(1, 2);
    const g = gradient(f, engineReturning(shared, false), Float64Array.of(0, 0));
    expect(g).not.toBe(shared);
    expect(Array.from(g)).toEqual([1, 2]);
  });

  test('a result handed over is returned as is, once', () => {
    const owned = Float64Array.of(3, 4);
    const engine = engineReturning(owned, true);
    expect(gradient(f, engine, Float64Array.of(0, 0))).toBe(owned);
    // handing over is for one result: the same array returned again is copied
    const again = gradient(
      f,
      { ...engine, pullback: (fn, xs) => ({ ys: fn(xs), results: [[owned]] }) },
      Float64Array.of(0, 0),
    );
    expect(again).not.toBe(owned);
  });
});
