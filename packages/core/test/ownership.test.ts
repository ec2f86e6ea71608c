import { gradient, prepareGradient } from '@diffint/core';
import { type Engine, handOver } from '@diffint/core/engine';
import { freshArray, recycle } from '../src/ownership.js';
import { describe, expect, test } from 'vitest';

/** A reverse-mode engine made of one pullback. */
function reverseEngine(name: string, pullback: NonNullable<Engine['pullback']>): Engine {
  return { kind: 'engine', name, precision: 'float64', mode: 'reverse', pullback };
}

/** An engine whose "gradient" is a fixed array, handed over or not. */
function engineReturning(result: Float64Array, handed: boolean): Engine {
  return reverseEngine('fixed', (f, xs) => ({ ys: f(xs), results: [[handed ? handOver(result) : result]] }));
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

describe('handing over', () => {
  test('every leaf of a tree handed over in one call is returned as is', () => {
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g'] as const;
    const owned = keys.map((_, i) => Float64Array.of(i, -i));
    const engine = reverseEngine('fixed', (fn, xs) => ({
      ys: fn(xs),
      results: [owned.map((o) => handOver(o))],
    }));
    const x = Object.fromEntries(keys.map((k) => [k, Float64Array.of(0, 0)]));
    const g = gradient((p: Record<string, unknown>) => 0 * Object.keys(p).length, engine, x) as Record<
      string,
      Float64Array
    >;
    keys.forEach((k, i) => expect(g[k]).toBe(owned[i]));
  });

  test('past the slots, an array not handed over is still copied', () => {
    // Seven arrays handed over fill the slots and spill into the weak set; an eighth leaf the
    // engine keeps (not handed over) must come back as a copy.
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] as const;
    const kept = Float64Array.of(5, 6);
    const engine = reverseEngine('mixed', (fn, xs) => ({
      ys: fn(xs),
      results: [keys.map((_, i) => (i < 7 ? handOver(Float64Array.of(i, i)) : kept))],
    }));
    const x = Object.fromEntries(keys.map((k) => [k, Float64Array.of(0, 0)]));
    const g = gradient((p: Record<string, unknown>) => 0 * Object.keys(p).length, engine, x) as Record<
      string,
      Float64Array
    >;
    expect(g.h).not.toBe(kept);
    expect(Array.from(g.h!)).toEqual([5, 6]);
  });

  test('a number handed over is a number', () => {
    const engine = reverseEngine('number', (fn, xs) => ({ ys: fn(xs), results: [[handOver(2.5)]] }));
    expect(gradient((x: unknown) => (x as number) * 0, engine, 1)).toBe(2.5);
  });

  test('an array handed over and not taken is forgotten by the next call', () => {
    // The engine hands over an array it keeps, and returns it (not handed over) a call later:
    // that result must be a copy, or the engine's later writes would show in the user's result.
    const kept = Float64Array.of(1, 2);
    let call = 0;
    const engine = reverseEngine('keeps', (fn, xs) => {
      if (call++ === 0) {
        handOver(kept);
        return { ys: fn(xs), results: [[handOver(Float64Array.of(0, 0))]] };
      }
      return { ys: fn(xs), results: [[kept]] };
    });
    const f = (x: unknown) => 0 * (x as Float64Array).length;
    gradient(f, engine, Float64Array.of(0, 0));
    const g = gradient(f, engine, Float64Array.of(0, 0));
    expect(g).not.toBe(kept);
    kept[0] = 99;
    expect(Array.from(g)).toEqual([1, 2]);
  });
});

describe('arrays core only copied', () => {
  /** An engine whose gradient is a fresh array from `freshArray`, filled with `fill`, handed over. */
  function freshEngine(fill: number, made: Float64Array[]): Engine {
    return reverseEngine('fresh', (fn, xs) => {
      const g = freshArray(2);
      made.push(g);
      g[0]! += fill;
      g[1]! += 2 * fill;
      return { ys: fn(xs), results: [[handOver(g)]] };
    });
  }
  const f = (x: unknown) => 0 * (x as Float64Array).length;
  const x = Float64Array.of(0, 0);

  test('an array written into out is the next fresh array, zeroed, and never the user’s', () => {
    const made: Float64Array[] = [];
    const p = prepareGradient(f, freshEngine(1, made), x);
    const out = new Float64Array(2);
    p.gradientInto(out, x);
    p.gradientInto(out, x);
    // The second call got the first call's array back, zeroed before the engine added to it.
    expect(made[1]).toBe(made[0]);
    expect(Array.from(out)).toEqual([1, 2]);
    // A result returned to the user is the user's: the next fresh array is a new one.
    const g = p.gradient(x);
    expect(g).toBe(made[2]);
    p.gradientInto(out, x);
    expect(made[3]).not.toBe(g);
    expect(Array.from(g)).toEqual([1, 2]);
  });

  test('only arrays of their own memory, of the length asked for, are reused', () => {
    const block = new Float64Array(4);
    recycle(block.subarray(0, 2));
    expect(freshArray(2).buffer).not.toBe(block.buffer);
    const own = Float64Array.of(7, 8, 9);
    recycle(own);
    expect(freshArray(2)).not.toBe(own);
    const again = freshArray(3);
    expect(again).toBe(own);
    expect(Array.from(again)).toEqual([0, 0, 0]);
    expect(freshArray(3)).not.toBe(own);
  });
});

describe('the point an engine receives', () => {
  /** An engine that keeps every x it is given. */
  function keeping(n: number) {
    const seen: Float64Array[] = [];
    const engine = reverseEngine('keeping', (fn, xs) => {
      seen.push(xs[0] as Float64Array);
      return { ys: fn(xs), results: [[handOver(new Float64Array(n))]] };
    });
    return { seen, engine };
  }

  test.each([3, 20, 500, 5000])('is a copy of its own on every call, n = %i', (n) => {
    const { seen, engine } = keeping(n);
    const f = (x: unknown) => 0 * (x as Float64Array).length;
    const p = prepareGradient(f, engine, new Float64Array(n));
    const points: Float64Array[] = [];
    const x = new Float64Array(n);
    for (let call = 0; call < 40; call++) {
      for (let i = 0; i < n; i++) x[i] = call * 1000 + i;
      points.push(x.slice());
      p.gradient(x);
      expect(seen[call]).not.toBe(x);
    }
    // distinct arrays, each holding its call's point, unchanged by the caller's later writes
    expect(new Set(seen).size).toBe(40);
    seen.forEach((s, call) => expect(Array.from(s)).toEqual(Array.from(points[call]!)));
    // and no two share memory: overwriting one changes no other
    seen[7]!.fill(-1);
    seen.forEach((s, call) => {
      if (call !== 7) expect(Array.from(s)).toEqual(Array.from(points[call]!));
    });
  });
});
