/**
 * How a buffer holds its contents while a differentiation writes it, through the internal
 * `layout()` diagnostic: a tape's scalar tracers packed as integers, other tracers in slots, plain
 * numbers in the data, the counts that decide when the slot and packed arrays are dropped, and
 * nothing left referring to a differentiation once it has ended. No result depends on these
 * choices, only memory (a tracer kept alive, an array never dropped); the values are checked
 * beside them against analytic derivatives.
 */
import { type Buffer, NDArray, buffer, derivative, jacobian } from '@diffint/core';
import * as m from '@diffint/core/math';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';
import { type BufferLayout, openJournalCount } from '../src/buffer.js';
import { dual } from './support/dual.js';

const vec = (...xs: number[]) => Float64Array.of(...xs);
const plain: BufferLayout = { cells: '...', slots: null, packed: null, writtenBy: false };
const layout = (b: Buffer) => b.layout();

describe('a tape packs its scalar tracers; other tracers stay in slots', () => {
  test('the input itself (slot 0 of the tape) and a product are packed, and unpacked when the tape ends', () => {
    const b = buffer(3);
    const seen: BufferLayout[] = [];
    const f = (x: m.Value) => {
      b.set(0, x);
      seen.push(layout(b));
      b.set(2, m.mul(x, 3));
      seen.push(layout(b));
      return m.add(m.mul(b.get(0), b.get(2)), b.get(1));
    };
    // 3x² → 6x
    expect(derivative(f, tape(), 1.5)).toBe(9);
    expect(seen).toEqual([
      { cells: 'p..', slots: null, packed: 1, writtenBy: true },
      { cells: 'p.p', slots: null, packed: 2, writtenBy: true },
    ]);
    expect(layout(b)).toEqual(plain);
    expect(b.read()).toEqual(vec(1.5, 0, 4.5));
  });

  test('a dual tracer is a slot; settling moves its primal into the data', () => {
    const b = buffer(3);
    let inside: BufferLayout | null = null;
    const f = (x: m.Value) => {
      b.set(1, m.mul(x, x));
      inside = layout(b);
      return b.get(1);
    };
    expect(derivative(f, dual(), 2)).toBe(4);
    expect(inside).toEqual({ cells: '.t.', slots: 1, packed: null, writtenBy: true });
    expect(layout(b)).toEqual(plain);
    expect(b.read()).toEqual(vec(0, 4, 0));
  });

  test('a position packed twice counts once; a plain write unpacks it and the last one drops the array', () => {
    const b = buffer(3);
    const seen: BufferLayout[] = [];
    const f = (x: m.Value) => {
      b.set(0, m.mul(x, 2));
      b.set(1, m.mul(x, 3));
      b.set(1, m.mul(x, 4));
      seen.push(layout(b));
      b.set(1, 5);
      seen.push(layout(b));
      b.set(0, 6);
      seen.push(layout(b));
      b.set(0, m.mul(x, 7));
      seen.push(layout(b));
      return m.add(b.get(0), b.get(1));
    };
    // 7x + 5 → 7
    expect(derivative(f, tape(), 1.5)).toBe(7);
    expect(seen).toEqual([
      { cells: 'pp.', slots: null, packed: 2, writtenBy: true },
      { cells: 'p..', slots: null, packed: 1, writtenBy: true },
      { cells: '...', slots: null, packed: null, writtenBy: true },
      { cells: 'p..', slots: null, packed: 1, writtenBy: true },
    ]);
    expect(layout(b)).toEqual(plain);
    expect(b.read()).toEqual(vec(10.5, 5, 0));
  });

  test('a packed tracer over a traced slot clears the slot; a plain write clears a slot and drops the array', () => {
    // Outer dual numbers write both slots; the inner tape packs over slot 0, then a plain write.
    const b = buffer(2);
    const seen: BufferLayout[] = [];
    const f = (x: m.Value) => {
      b.set(0, m.mul(x, x));
      b.set(1, m.mul(x, 3));
      seen.push(layout(b));
      const inner = derivative(
        (y: m.Value) => {
          const c = b.get(1);
          b.set(0, m.mul(y, 3));
          seen.push(layout(b));
          b.set(1, 1);
          seen.push(layout(b));
          return m.mul(m.mul(b.get(0), y), c);
        },
        tape(),
        2,
      ) as m.Value;
      // inner: g(y) = 3y · y · 3x, g'(2) = 36x; b₀ = 6, b₁ = 1 after it
      return m.add(m.mul(inner, b.get(0)), b.get(1));
    };
    // f = 216x + 1
    expect(derivative(f, dual(), 0.5)).toBe(216);
    expect(seen).toEqual([
      { cells: 'tt', slots: 2, packed: null, writtenBy: true },
      { cells: 'pt', slots: 1, packed: 1, writtenBy: true },
      { cells: 'p.', slots: null, packed: 1, writtenBy: true },
    ]);
    expect(layout(b)).toEqual({ cells: '..', slots: null, packed: null, writtenBy: false });
    expect(b.read()).toEqual(vec(6, 1));
  });

  test("an inner tape does not pack beside an outer tape's packed slots: its tracer is a slot", () => {
    const b = buffer(2);
    const seen: BufferLayout[] = [];
    const f = (x: m.Value) => {
      b.set(0, m.mul(x, x));
      const inner = derivative(
        (y: m.Value) => {
          b.set(1, m.mul(y, b.get(0)));
          seen.push(layout(b));
          return m.mul(b.get(1), y);
        },
        tape(),
        2,
      ) as m.Value;
      seen.push(layout(b));
      // inner: x²y² at y = 2 → 4x²; f = 4x² · x² = 4x⁴
      return m.mul(inner, b.get(0));
    };
    expect(derivative(f, tape(), 1.5)).toBeCloseTo(16 * 1.5 ** 3, 12);
    // After the inner tape: slot 1 holds 2x², a tracer of the outer tape, kept as a slot; the
    // buffer no longer refers to the inner tape.
    expect(seen).toEqual([
      { cells: 'pt', slots: 1, packed: 1, writtenBy: true },
      { cells: 'pt', slots: 1, packed: 1, writtenBy: false },
    ]);
    expect(layout(b)).toEqual({ cells: '..', slots: null, packed: null, writtenBy: false });
    expect(b.read()).toEqual(vec(2.25, 4.5));
  });
});

describe('a traced whole and the slots over it', () => {
  test('plain writes over a traced whole are slots; settling makes all of it plain data', () => {
    const b = buffer(3);
    const seen: BufferLayout[] = [];
    const f = (x: m.Value) => {
      b.assign(m.mul(x, vec(1, 2, 3)));
      seen.push(layout(b));
      b.set(1, 7);
      seen.push(layout(b));
      return m.sum(b.read());
    };
    // x + 7 + 3x → 4
    expect(derivative(f, tape(), 2)).toBe(4);
    expect(seen).toEqual([
      { cells: 'www', slots: null, packed: null, writtenBy: false },
      { cells: 'wnw', slots: 1, packed: null, writtenBy: false },
    ]);
    expect(layout(b)).toEqual(plain);
    expect(b.read()).toEqual(vec(2, 7, 6));
  });

  test('a packed tracer over a traced whole settles to a number in the data', () => {
    const b = buffer(2);
    let inside: BufferLayout | null = null;
    const f = (x: m.Value) => {
      b.fill(x);
      b.set(0, m.mul(x, x));
      inside = layout(b);
      return m.sum(b.read());
    };
    // x² + x → 2x + 1
    expect(derivative(f, tape(), 3)).toBe(7);
    expect(inside).toEqual({ cells: 'pw', slots: null, packed: 1, writtenBy: true });
    expect(layout(b)).toEqual({ cells: '..', slots: null, packed: null, writtenBy: false });
    expect(b.read()).toEqual(vec(9, 3));
  });

  test("an inner tape's packed slot over an outer whole settles to the outer tracer, kept as a slot", () => {
    const b = buffer(2);
    const seen: BufferLayout[] = [];
    const f = (x: m.Value) => {
      b.assign(m.mul(x, vec(1, 2)));
      const inner = derivative(
        (y: m.Value) => {
          b.set(0, m.mul(y, m.get(b.read(), 1)));
          seen.push(layout(b));
          return m.mul(b.get(0), y);
        },
        tape(),
        1,
      ) as m.Value;
      seen.push(layout(b));
      // inner: 2x·y² at y = 1 → 4x; b₀ = 2x; f = 4x · (2x + 2x) = 16x²
      return m.mul(inner, m.sum(b.read()));
    };
    expect(derivative(f, dual(), 0.5)).toBe(16);
    expect(seen).toEqual([
      { cells: 'tw', slots: 1, packed: null, writtenBy: true },
      { cells: 'tw', slots: 1, packed: null, writtenBy: false },
    ]);
    expect(layout(b)).toEqual({ cells: '..', slots: null, packed: null, writtenBy: false });
    expect(b.read()).toEqual(vec(1, 1));
  });

  test('fill with a number and assign of an array leave plain data only', () => {
    const b = buffer(2);
    const seen: BufferLayout[] = [];
    const f = (x: m.Value) => {
      b.set(0, m.mul(x, 2));
      b.set(1, m.mul(x, 3));
      b.fill(4);
      seen.push(layout(b));
      b.assign(m.mul(x, vec(1, 1)));
      b.set(0, x);
      b.assign(vec(5, 6));
      seen.push(layout(b));
      return m.mul(x, m.sum(b.read()));
    };
    expect(derivative(f, tape(), 2)).toBe(11);
    expect(seen).toEqual([
      { cells: '..', slots: null, packed: null, writtenBy: true },
      { cells: '..', slots: null, packed: null, writtenBy: true },
    ]);
    expect(layout(b)).toEqual({ cells: '..', slots: null, packed: null, writtenBy: false });
  });
});

describe('the journal restores the layout with its counts', () => {
  test('slots and packed tracers restored for each column of a Jacobian keep their counts', () => {
    // Outer tape: b₀ ← x², b₁ ← 3x (packed). Inner Jacobian by dual numbers, one evaluation
    // per column, each restoring b to the outer state and then writing b₂ ← y₀·y₁.
    const b = buffer(3);
    const seen: BufferLayout[] = [];
    const f = (x: m.Value) => {
      b.set(0, m.mul(x, x));
      b.set(1, m.mul(x, 3));
      const g = (y: m.Value) => {
        seen.push(layout(b));
        b.set(2, m.mul(m.get(y, 0), m.get(y, 1)));
        b.set(1, 2);
        return m.stack([m.mul(b.get(0), b.get(2)), b.get(1)]);
      };
      const engine = dual();
      const J = jacobian(g, engine, vec(1, 2)) as m.Value;
      expect(engine.evaluations).toBe(2);
      seen.push(layout(b));
      // J = [[x²y₁, x²y₀], [0, 0]] = [[2x², x²], [0, 0]]; sum(J) = 3x²; b₂ = 2 after it
      return m.mul(m.sum(J), b.get(2));
    };
    // 6x² → 12x
    expect(derivative(f, tape(), 1.5)).toBeCloseTo(18, 12);
    expect(seen).toEqual([
      { cells: 'pp.', slots: null, packed: 2, writtenBy: true },
      // each column's dual numbers have ended before the next: the buffer refers to none of them
      { cells: 'pp.', slots: null, packed: 2, writtenBy: false },
      { cells: 'p..', slots: null, packed: 1, writtenBy: false },
    ]);
    expect(layout(b)).toEqual(plain);
    expect(b.read()).toEqual(vec(2.25, 2, 2));
  });

  test('a traced slot restored for each column keeps its count; after the Jacobian the journals are closed', () => {
    const b = buffer(2);
    const seen: BufferLayout[] = [];
    const before = openJournalCount();
    const f = (x: m.Value) => {
      b.set(0, m.mul(x, x));
      const g = (y: m.Value) => {
        seen.push(layout(b));
        b.set(1, m.mul(m.get(y, 0), b.get(0)));
        b.set(0, m.get(y, 1));
        return m.stack([b.get(0), b.get(1)]);
      };
      const J = jacobian(g, dual(), vec(1, 2)) as m.Value;
      seen.push(layout(b));
      // J = [[0, 1], [x², 0]]; b₀ = 2, b₁ = x² after it; f = (1 + x²)·b₁·b₀ = 2x² + 2x⁴
      return m.mul(m.mul(m.sum(J), b.get(1)), b.get(0));
    };
    // f' = 4x + 8x³
    expect(derivative(f, dual(), 0.5)).toBeCloseTo(3, 12);
    expect(seen).toEqual([
      { cells: 't.', slots: 1, packed: null, writtenBy: true },
      { cells: 't.', slots: 1, packed: null, writtenBy: false },
      { cells: '.t', slots: 1, packed: null, writtenBy: false },
    ]);
    expect(layout(b)).toEqual({ cells: '..', slots: null, packed: null, writtenBy: false });
    expect(b.read()).toEqual(vec(2, 0.25));
    expect(openJournalCount()).toBe(before);
  });

  test('the journal of a call whose f throws is closed too; the buffer holds what f wrote', () => {
    const b = buffer(1);
    const before = openJournalCount();
    expect(() =>
      derivative(
        (x: m.Value) => {
          b.set(0, x);
          throw new Error('f fails');
        },
        tape(),
        2,
      ),
    ).toThrow('f fails');
    expect(openJournalCount()).toBe(before);
    expect(layout(b)).toEqual({ cells: '.', slots: null, packed: null, writtenBy: false });
    expect(b.read()).toEqual(vec(2));
  });
});

describe('plain buffers', () => {
  test('plain writes, fills and assigns never make slots', () => {
    const b = buffer(new NDArray(vec(1, 2, 3, 4), [2, 2]));
    b.set(0, 1, 5);
    b.fill(2);
    b.set(3, 6);
    b.assign(vec(7, 8, 9, 10));
    b.set(2, new NDArray(vec(11), []));
    expect(layout(b)).toEqual({ cells: '....', slots: null, packed: null, writtenBy: false });
    expect(b.read()).toEqual(new NDArray(vec(7, 8, 11, 10), [2, 2]));
  });
});

describe('toFloat64Array', () => {
  test("returns the caller's own array, not the buffer's contents", () => {
    const b = buffer(vec(1, 2));
    const a = b.toFloat64Array();
    a[0] = 9;
    expect(b.read()).toEqual(vec(1, 2));
    expect(b.toFloat64Array()).toEqual(vec(1, 2));
    expect(b.toFloat64Array()).not.toBe(b.toFloat64Array());
  });
});
