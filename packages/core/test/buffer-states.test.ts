/**
 * Buffers in the states their bookkeeping distinguishes: a plain slot beside a traced one, a
 * tape's packed tracers overwritten, an inner differentiation writing beside the values of an
 * outer one (a traced whole, traced slots, packed slots), and the journal's snapshots of large
 * buffers, of slots and packed slots already present, across three evaluations of f and across a
 * nested operator. Every reference is an analytic derivative.
 */
import { NDArray, TracedValueError, buffer, derivative, gradient, jacobian } from '@diffint/core';
import { finiteDiff } from '@diffint/finite-diff';
import * as m from '@diffint/core/math';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';
import { openJournal, openJournalCount } from '../src/buffer.js';
import { expectClose, matrix } from './support/compare.js';
import { dual } from './support/dual.js';

const vec = (...xs: number[]) => Float64Array.of(...xs);

describe('plain values and copies', () => {
  test('a buffer made from an NDArray copies it', () => {
    const source = new NDArray(vec(1, 2, 3, 4), [2, 2]);
    const b = buffer(source);
    source.data[0] = 9;
    b.set(1, 7);
    expect(b.read()).toEqual(
      matrix([
        [1, 7],
        [3, 4],
      ]),
    );
    expect(source.data).toEqual(vec(9, 2, 3, 4));
  });

  test('a 0-d buffer holds one number', () => {
    const b = buffer([]);
    expect(b.size).toBe(1);
    b.set(0, 2.5);
    expect(b.read()).toBe(2.5);
    expect(b.toFloat64Array()).toEqual(vec(2.5));
  });

  test('toFloat64Array names itself when the buffer holds a traced value', () => {
    const b = buffer(1);
    let message = '';
    derivative(
      (x: m.Value) => {
        b.set(0, x);
        try {
          b.toFloat64Array();
        } catch (e) {
          if (e instanceof TracedValueError) message = e.message;
        }
        return x;
      },
      tape(),
      2,
    );
    expect(message).toMatch(/buffer\.toFloat64Array\(\)/);
  });
});

describe('slots that hold traced values (packed by the tape, kept as tracers by dual numbers)', () => {
  test('a plain write beside a traced slot keeps the traced slot', () => {
    const b = buffer(3);
    const f = (x: m.Value) => {
      b.set(0, m.mul(x, 2));
      b.set(1, 3);
      b.set(2, m.mul(x, x));
      b.set(1, 4);
      return m.add(m.mul(b.get(0), b.get(1)), b.get(2));
    };
    // 8x + x² → 8 + 2x
    expect(derivative(f, dual(), 1.5)).toBe(11);
    expect(b.read()).toEqual(vec(3, 4, 2.25));
  });

  test.each([
    ['tape', tape],
    ['dual', dual],
  ])(
    'a slot overwritten, then a new one, then the first made plain: the new one stays (%s)',
    (_n, engine) => {
      const b = buffer(2);
      const f = (x: m.Value) => {
        b.set(0, m.mul(x, 3));
        b.set(0, m.mul(x, 2));
        b.set(1, m.mul(x, x));
        b.set(0, 5);
        return m.add(b.get(0), b.get(1));
      };
      // 5 + x² → 2x
      expect(derivative(f, engine(), 1.5)).toBe(3);
      expect(b.read()).toEqual(vec(5, 2.25));
    },
  );

  test('fill and assign replace every traced slot', () => {
    const b = buffer(3);
    const f = (x: m.Value) => {
      b.set(0, m.mul(x, 2));
      b.fill(1);
      const a = b.get(0);
      b.set(1, m.mul(x, 3));
      b.assign(vec(5, 6, 7));
      return m.add(m.mul(a, x), m.sum(b.read()));
    };
    // x + 18 → 1
    expect(derivative(f, dual(), 2)).toBe(1);
    expect(b.read()).toEqual(vec(5, 6, 7));
  });
});

describe("the tape's packed slots", () => {
  test('a plain write over the packed input slot replaces it', () => {
    const b = buffer(1);
    const f = (x: m.Value) => {
      b.set(0, x);
      b.set(0, 5);
      return m.mul(b.get(0), x);
    };
    // 5x → 5
    expect(derivative(f, tape(), 3)).toBe(5);
    expect(b.read()).toEqual(vec(5));
  });

  test('a packed write over a slot holding an array-op result is what remains', () => {
    const b = buffer(1);
    const f = (x: m.Value) => {
      b.set(0, m.sum(m.mul(x, vec(1, 2))));
      b.set(0, m.mul(x, 4));
      return b.get(0);
    };
    expect(derivative(f, tape(), 1.5)).toBe(4);
    expect(b.read()).toEqual(vec(6));
  });

  test("an inner tape's packed slot beside an outer tape's: each trace unpacks its own", () => {
    // b₀ ← x² (outer); inner: b₁ ← 3y, g = b₁·y·b₀ = 3x²y², g′(2) = 12x²; b₁ = 6 after it.
    // f = g′·b₁ = 72x², f′ = 144x.
    const b = buffer(2);
    const f = (x: m.Value) => {
      b.set(0, m.mul(x, x));
      const inner = derivative(
        (y: m.Value) => {
          b.set(1, m.mul(y, 3));
          return m.mul(b.get(1), m.mul(y, b.get(0)));
        },
        tape(),
        2,
      ) as m.Value;
      return m.mul(inner, b.get(1));
    };
    for (const x of [0.5, 1.5]) {
      expect(derivative(f, tape(), x)).toBeCloseTo(144 * x, 12);
      expect(b.read()).toEqual(vec(x * x, 6));
    }
  });
});

describe('an inner differentiation writing beside the values of an outer one', () => {
  test.each([
    ['tape', tape],
    ['dual', dual],
  ])('the outer whole, traced slot and plain slot survive the inner trace ending (outer %s)', (_n, outer) => {
    // Outer: b ← (x, 2x, 3x), then b₁ ← x², b₂ ← 7. Inner tape: b₀ ← 5y, g = b₀·y, g′(1) = 10.
    // After it b = (5, x², 7): f = 10·(12 + x²), f′ = 20x.
    const b = buffer(3);
    const f = (x: m.Value) => {
      b.assign(m.mul(x, vec(1, 2, 3)));
      b.set(1, m.mul(x, x));
      b.set(2, 7);
      const inner = derivative(
        (y: m.Value) => {
          b.set(0, m.mul(y, 5));
          return m.mul(b.get(0), y);
        },
        tape(),
        1,
      ) as m.Value;
      return m.mul(inner, m.sum(b.read()));
    };
    for (const x of [0.5, -2]) {
      expect(derivative(f, outer(), x)).toBeCloseTo(20 * x, 12);
      expect(b.read()).toEqual(vec(5, x * x, 7));
    }
  });

  test.each([
    ['tape', tape],
    ['dual', dual],
  ])('an inner whole that depends on x stays traced by the outer differentiation (outer %s)', (_n, outer) => {
    // Inner: b ← x·y·(1, 2), g = 3xy, g′ = 3x; b = (2x, 4x) after it.
    // f = 3x + (2x)² + (4x)² = 3x + 20x², f′ = 3 + 40x.
    const b = buffer(2);
    const f = (x: m.Value) => {
      const inner = derivative(
        (y: m.Value) => {
          b.assign(m.mul(m.mul(x, y), vec(1, 2)));
          return m.sum(b.read());
        },
        tape(),
        2,
      ) as m.Value;
      return m.add(inner, m.sum(m.square(b.read())));
    };
    for (const x of [0.5, 1.25]) {
      expect(derivative(f, outer(), x)).toBeCloseTo(3 + 40 * x, 12);
      expect(b.read()).toEqual(vec(2 * x, 4 * x));
    }
  });
});

describe("the journal's snapshots", () => {
  test('a large buffer is restored between evaluations of f', () => {
    // t = b₀ = 1 at the start of each evaluation; b₀ ← t + x₀; y = (b₀·x₁, x₀).
    // J = [[x₁, 1 + x₀], [1, 0]]; b₀ = 1 + x₀ afterwards.
    const b = buffer(100);
    b.set(0, 1);
    const f = (x: m.Value) => {
      const t = b.get(0);
      b.set(0, m.add(t, m.get(x, 0)));
      return m.stack([m.mul(b.get(0), m.get(x, 1)), m.get(x, 0)]);
    };
    const engine = dual();
    expectClose(
      jacobian(f, engine, vec(3, 7)),
      matrix([
        [7, 4],
        [1, 0],
      ]),
    );
    expect(engine.evaluations).toBe(2);
    expect(b.get(0)).toBe(4);
  });

  test.each([
    ['tape', tape],
    ['dual', dual],
  ])(
    'slots and packed slots of an outer differentiation are restored for each of three evaluations (outer %s)',
    (_n, outer) => {
      // Outer: b₀ ← 2x. Inner, by dual numbers one column at a time (three evaluations), each
      // starting from b = (2x, 0): t = b₁; b₁ ← t + b₀·y₁; b₀ ← b₀ + y₀; g = (b₁·y₂, y₀).
      // At y = (1, 2, 3): J = [[0, b₀·y₂, t + b₀·y₁], [1, 0, 0]] = [[0, 6x, 4x], [1, 0, 0]].
      // f = sum(J) = 10x + 1, f′ = 10; afterwards b = (2x + 1, 4x), as the first evaluation left it.
      const b = buffer(2);
      const f = (x: m.Value) => {
        b.set(0, m.mul(x, 2));
        const g = (y: m.Value) => {
          const t = b.get(1);
          const b0 = b.get(0);
          b.set(1, m.add(t, m.mul(b0, m.get(y, 1))));
          b.set(0, m.add(b0, m.get(y, 0)));
          return m.stack([m.mul(b.get(1), m.get(y, 2)), m.get(y, 0)]);
        };
        const engine = dual();
        const J = jacobian(g, engine, vec(1, 2, 3)) as m.Value;
        expect(engine.evaluations).toBe(3);
        return m.sum(J);
      };
      for (const x of [0.5, 2]) {
        b.fill(0);
        expect(derivative(f, outer(), x)).toBeCloseTo(10, 12);
        expect(b.read()).toEqual(vec(2 * x + 1, 4 * x));
      }
    },
  );

  test('afterwards the buffers hold what the evaluation at x left, not the last perturbed one', () => {
    // Each evaluation: b₀ ← b₀ + x₁ from b₀ = 1; y = b₀·x₀. ∇y = (1 + x₁, x₀) = (8, 3) at (3, 7).
    // x₁, perturbed last, is what b₀ remembers.
    const b = buffer(1);
    b.set(0, 1);
    const f = (x: m.Value) => {
      b.set(0, m.add(b.get(0), m.get(x, 1)));
      return m.mul(b.get(0), m.get(x, 0));
    };
    expectClose(gradient(f, finiteDiff(), vec(3, 7)), vec(8, 3), 1e-6);
    expect(b.get(0)).toBe(8);
  });

  test("an outer tape's packed slots, one of them its input's, are restored for each evaluation", () => {
    // Outer tape: b₀ ← x (the input's own slot), b₁ ← 2x. Inner, by dual numbers (two
    // evaluations), each from b = (x, 2x): b₁ ← b₁·y₀; g = (b₀·y₁, b₁) = (x·y₁, 2x·y₀).
    // J = [[0, x], [2x, 0]], f = sum(J) = 3x, f′ = 3; afterwards b = (x, 2x) (y₀ = 1).
    const b = buffer(2);
    const f = (x: m.Value) => {
      b.set(0, x);
      b.set(1, m.mul(x, 2));
      const g = (y: m.Value) => {
        b.set(1, m.mul(b.get(1), m.get(y, 0)));
        return m.stack([m.mul(b.get(0), m.get(y, 1)), b.get(1)]);
      };
      const engine = dual();
      const J = jacobian(g, engine, vec(1, 2)) as m.Value;
      expect(engine.evaluations).toBe(2);
      return m.sum(J);
    };
    for (const x of [0.5, 2]) {
      expect(derivative(f, tape(), x)).toBeCloseTo(3, 12);
      expect(b.read()).toEqual(vec(x, 2 * x));
    }
  });

  test('a nested operator inside f does not move the state each evaluation starts from', () => {
    // b₀ = 1 at the start of each evaluation; b₀ ← b₀ + y₀; d = (z ↦ z²)′(1) = 2 (a nested
    // operator, with its own journal); b₀ ← b₀·d; g = (b₀·y₁, y₀) = (2(1 + y₀)·y₁, y₀).
    // J = [[2y₁, 2(1 + y₀)], [1, 0]].
    const b = buffer(1);
    b.set(0, 1);
    const g = (y: m.Value) => {
      b.set(0, m.add(b.get(0), m.get(y, 0)));
      const d = derivative((z: m.Value) => m.mul(z, z), tape(), 1);
      b.set(0, m.mul(b.get(0), d));
      return m.stack([m.mul(b.get(0), m.get(y, 1)), m.get(y, 0)]);
    };
    const engine = dual();
    expectClose(
      jacobian(g, engine, vec(3, 7)),
      matrix([
        [14, 8],
        [1, 0],
      ]),
    );
    expect(engine.evaluations).toBe(2);
    expect(b.get(0)).toBe(8);
  });
});

describe('journals reopened', () => {
  test('a closed journal is reopened empty, and closing it twice does not hand it out twice', () => {
    const b = buffer(1);
    const open = openJournalCount();
    const first = openJournal();
    first.beginEvaluation();
    b.set(0, 5);
    first.beginEvaluation();
    expect(b.get(0)).toBe(0);
    // Closed, the buffer holds what the first evaluation left.
    first.close();
    expect(b.get(0)).toBe(5);
    first.close();
    const a = openJournal();
    const c = openJournal();
    expect(a).not.toBe(c);
    expect(openJournalCount()).toBe(open + 2);
    // Reopened empty: the state before this write (5) is restored, not what `first` noted (0).
    b.set(0, 7);
    for (const j of [a, c]) {
      j.beginEvaluation();
      j.beginEvaluation();
    }
    expect(b.get(0)).toBe(5);
    c.close();
    a.close();
    expect(openJournalCount()).toBe(open);
    expect(b.get(0)).toBe(7);
  });
});
