/**
 * Buffers under replay (`replay(f)` on the tape): a replayed call does not run f, so what f reads
 * from a buffer is recorded (and guarded) and what it writes is written by the replay (element
 * by element, or the whole contents). A recording that cannot be replayed leaves the buffers as
 * the call began, and f runs on the ordinary path. References are analytic.
 */
import { openJournalCount } from '../src/buffer.js';
import { buffer, derivative, prepareDerivative, prepareGradient, replay } from '@diffint/core';
import * as m from '@diffint/core/math';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';

const vec = (...xs: number[]) => Float64Array.of(...xs);
const list = (v: unknown) => Array.from(v as Float64Array);

function counted<A extends unknown[], R>(f: (...a: A) => R) {
  const g = (...a: A): R => {
    g.runs++;
    return f(...a);
  };
  g.runs = 0;
  return g;
}

describe('buffers under replay', () => {
  test('an element read before it is written is guarded: a changed state re-traces', () => {
    const state = buffer(vec(2, 7));
    const f = counted((x: m.Value) => {
      const y = m.mul(x, state.get(0));
      state.set(0, m.add(state.get(0), 1));
      return m.sum(y);
    });
    const p = prepareGradient(replay(f), tape(), vec(1, 1));
    expect(list(p.gradient(vec(1, 1)))).toEqual([2, 2]);
    expect(list(state.read())).toEqual([3, 7]);
    expect(list(p.gradient(vec(1, 1)))).toEqual([3, 3]);
    expect(list(state.read())).toEqual([4, 7]);
    expect(f.runs).toBe(2);
  });

  test('a whole buffer read before it is written is guarded too', () => {
    const state = buffer(vec(1, 2));
    const f = counted((x: m.Value) => m.sum(m.mul(x, state.read())));
    const p = prepareGradient(replay(f), tape(), vec(1, 1));
    expect(list(p.gradient(vec(3, 4)))).toEqual([1, 2]);
    expect(list(p.gradient(vec(5, 6)))).toEqual([1, 2]);
    expect(f.runs).toBe(1);
    state.set(1, 5);
    expect(list(p.gradient(vec(5, 6)))).toEqual([1, 5]);
    expect(f.runs).toBe(2);
  });

  test('elements written with x are written by each replayed call', () => {
    const s = buffer(3);
    const f = counted((x: m.Value) => {
      s.set(0, x);
      s.set(2, m.mul(x, x));
      return m.add(s.get(0), s.get(2));
    });
    const p = prepareDerivative(replay(f), tape(), 2);
    for (const x of [2, 0.5, -1.5]) {
      const [y, d] = p.valueAndDerivative(x);
      expect(y).toBeCloseTo(x + x * x, 12);
      expect(d).toBeCloseTo(1 + 2 * x, 12);
      expect(list(s.read())).toEqual([x, 0, x * x]);
    }
    expect(f.runs).toBe(1);
  });

  test('elements written over a filled buffer, and a whole assigned, are written by each replayed call', () => {
    const s = buffer(3);
    const w = buffer(2);
    const f = counted((x: m.Value) => {
      s.fill(1);
      s.set(1, m.mul(x, 3));
      w.assign(m.stack([x, m.mul(x, 2)]));
      return m.add(m.sum(s.read()), m.sum(w.read()));
    });
    const p = prepareDerivative(replay(f), tape(), 1);
    for (const x of [1, 4]) {
      const [y, d] = p.valueAndDerivative(x);
      expect(y).toBeCloseTo(2 + 6 * x, 12);
      expect(d).toBeCloseTo(6, 12);
      expect(list(s.read())).toEqual([1, 3 * x, 1]);
      expect(list(w.read())).toEqual([x, 2 * x]);
    }
    expect(f.runs).toBe(1);
  });

  test('f that starts a differentiation of its own is not replayed; its buffers are written once per call', () => {
    const state = buffer(vec(0));
    const f = counted((x: m.Value) => {
      state.set(0, m.add(state.get(0), 1));
      const inner = derivative((t: m.Value) => m.square(t), tape(), 3) as number;
      return m.mul(x, inner);
    });
    const p = prepareDerivative(replay(f), tape(), 1);
    const open = openJournalCount();
    // f = 6x
    expect(p.derivative(1)).toBe(6);
    // the recording was rolled back: the ordinary run wrote the state once
    expect(list(state.read())).toEqual([1]);
    // the rolled-back journal is closed: no open journal notes later writes
    expect(openJournalCount()).toBe(open);
    expect(p.derivative(2)).toBe(6);
    expect(list(state.read())).toEqual([2]);
  });
});
