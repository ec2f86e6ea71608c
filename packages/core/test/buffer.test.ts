/**
 * Buffers: the plain API, functionalised writes under a trace, primal values left behind, the
 * journal that restores buffers between evaluations of f, and the loud failure of a plain
 * Float64Array written with a traced value.
 */
import {
  type Buffer,
  type Engine,
  InvalidInputError,
  NDArray,
  ShapeMismatchError,
  TracedValueError,
  buffer,
  derivative,
  gradient,
  hessian,
  hvp,
  jacobian,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';
import { expectClose, matrix } from './support/compare.js';
import { dual } from './support/dual.js';

const vec = (...xs: number[]) => Float64Array.of(...xs);
const engines: [string, () => Engine][] = [
  ['tape', () => tape()],
  ['dual', () => dual()],
];

describe('the plain API', () => {
  test('get, set, fill, assign and read', () => {
    const b = buffer(3);
    expect(b.shape).toEqual([3]);
    expect(b.size).toBe(3);
    expect(b.read()).toEqual(vec(0, 0, 0));
    b.set(1, 2.5);
    expect(b.get(1)).toBe(2.5);
    b.fill(4);
    expect(b.read()).toEqual(vec(4, 4, 4));
    b.assign(vec(1, 2, 3));
    expect(b.read()).toEqual(vec(1, 2, 3));
    expect(b.toFloat64Array()).toEqual(vec(1, 2, 3));
  });

  test('read returns a fresh copy', () => {
    const b = buffer(vec(1, 2));
    const r = b.read() as Float64Array;
    r[0] = 99;
    expect(b.get(0)).toBe(1);
  });

  test('a buffer made from an array copies it', () => {
    const source = vec(1, 2);
    const b = buffer(source);
    source[0] = 5;
    b.set(1, 7);
    expect(b.read()).toEqual(vec(1, 7));
    expect(source).toEqual(vec(5, 2));
  });

  test('matrix buffers index by row and column, and read as an NDArray', () => {
    const b = buffer([2, 3]);
    b.set(1, 2, 6);
    b.set(0, 1, 2);
    expect(b.get(1, 2)).toBe(6);
    expect(b.get(5)).toBe(6);
    expect(b.read()).toEqual(new NDArray(vec(0, 2, 0, 0, 0, 6), [2, 3]));
    const c = buffer(matrix([[1, 2]]));
    expect(c.shape).toEqual([1, 2]);
    c.assign(vec(3, 4));
    expect(c.read()).toEqual(matrix([[3, 4]]));
  });

  test('bad indices, shapes and initialisers are typed errors', () => {
    const b = buffer(2);
    expect(() => b.get(2)).toThrow(InvalidInputError);
    expect(() => b.set(-1, 0)).toThrow(InvalidInputError);
    expect(() => b.get(0, 0)).toThrow(InvalidInputError);
    expect(() => b.set(0, vec(1, 2))).toThrow(ShapeMismatchError);
    expect(() => b.fill(vec(1, 2))).toThrow(ShapeMismatchError);
    expect(() => b.assign(vec(1, 2, 3))).toThrow(ShapeMismatchError);
    expect(() => buffer(-1)).toThrow(InvalidInputError);
    expect(() => buffer(1.5)).toThrow(InvalidInputError);
    expect(() => buffer('3' as never)).toThrow(InvalidInputError);
    expect(b.read()).toEqual(vec(0, 0));
  });

  test('empty buffers are buffers; a shape with a negative or fractional dimension is not', () => {
    expect(buffer(0).size).toBe(0);
    expect(buffer([0, 3]).shape).toEqual([0, 3]);
    expect(buffer([2, 0]).read()).toEqual(new NDArray(new Float64Array(0), [2, 0]));
    for (const bad of [[2, -1], [1.5], [-1, 2]]) {
      expect(() => buffer(bad)).toThrow(InvalidInputError);
      expect(() => buffer(bad)).toThrow(/init must be a length, a shape \(array of non-negative integers\)/);
    }
    expect(() => buffer(-2)).toThrow(/buffer\(n\): n must be a non-negative integer, got -2/);
  });

  test('each refusal names what is wrong and what fits', () => {
    const b = buffer(2);
    const M = buffer([2, 3]);
    expect(() => b.get(7)).toThrow(/buffer index 7 is out of range for a buffer of shape \[2\]/);
    expect(() => M.get(1, 5)).toThrow(/buffer index \(1, 5\) is out of range for a buffer of shape \[2, 3\]/);
    expect(() => b.assign(vec(1, 2, 3))).toThrow(/the buffer has shape \[2\], the value \[3\]/);
    expect(() => b.set(0, vec(1, 2))).toThrow(/Write an array with buf\.assign\(v\)/);
    expect(() => b.assign('1' as never)).toThrow(
      /buffer\.assign: the value is .*it must be a number, a Float64Array, an NDArray or a value being differentiated/,
    );
  });

  test('assign takes a number or a 0-d NDArray into a buffer of one element', () => {
    const b = buffer(1);
    b.assign(4);
    expect(b.get(0)).toBe(4);
    b.assign(new NDArray(Float64Array.of(6), []));
    expect(b.toFloat64Array()).toEqual(vec(6));
  });
});

describe.each(engines)('functionalised writes on %s', (_name, engine) => {
  test('a read after a write sees the written (traced) value; a plain overwrite cuts the dependency', () => {
    const b = buffer(2);
    const f = (x: m.Value) => {
      b.set(0, m.get(x, 0));
      b.set(1, m.mul(b.get(0), m.get(x, 1)));
      b.set(0, 5);
      return m.add(b.get(1), b.get(0));
    };
    expectClose(gradient(f, engine(), vec(2, 3)), vec(3, 2));
    expect(b.read()).toEqual(vec(5, 6));
  });

  test('assign a traced value, then overwrite one slot with a number', () => {
    const b = buffer(3);
    const f = (x: m.Value) => {
      b.assign(m.mul(x, 2));
      b.set(1, 7);
      return m.sum(m.square(b.read()));
    };
    // Σ (2xᵢ)² over i ≠ 1, plus 49
    const x = vec(1, 2, 3);
    expectClose(gradient(f, engine(), x), vec(8, 0, 24));
    expect(b.read()).toEqual(vec(2, 7, 6));
  });

  test('fill with a traced scalar, then overwrite a slot with another traced value', () => {
    const b = buffer([2, 2]);
    const f = (x: m.Value) => {
      b.fill(x);
      b.set(1, 1, m.square(x));
      return m.sum(b.read());
    };
    // 3x + x² → 3 + 2x
    expectClose(derivative(f, engine(), 1.5), 6);
    expect(b.read()).toEqual(
      matrix([
        [1.5, 1.5],
        [1.5, 2.25],
      ]),
    );
  });

  test('after a differentiation the buffer holds what a plain call leaves', () => {
    const start = vec(0.5, -1);
    const b = buffer(start);
    const f = (x: m.Value) => {
      const t = b.get(1);
      b.set(1, m.mul(x, b.get(0)));
      b.set(0, m.add(t, x));
      return m.mul(b.get(0), b.get(1));
    };
    const plain = buffer(start);
    const fPlain = (x: number) => {
      const t = plain.get(1) as number;
      plain.set(1, x * (plain.get(0) as number));
      plain.set(0, t + x);
    };
    for (const x of [2, -0.5, 3]) {
      derivative(f, engine(), x);
      fPlain(x);
      expect(b.read()).toEqual(plain.read());
    }
  });

  test('repeated calls give identical results (no state carried between calls)', () => {
    const a = buffer(1);
    const f = (x: m.Value) => {
      a.set(0, 1);
      a.set(0, m.add(a.get(0), x));
      return m.square(a.get(0));
    };
    for (let i = 0; i < 50; i++) {
      expect(derivative(f, engine(), 2)).toBe(6);
      expect(a.get(0)).toBe(3);
    }
    const g = (x: m.Value) => {
      a.set(0, m.add(a.get(0), m.sum(x)));
      return m.sum(m.mul(x, a.get(0)));
    };
    a.set(0, 0);
    const first = gradient(g, engine(), vec(1, 2));
    a.set(0, 0);
    expect(gradient(g, engine(), vec(1, 2))).toEqual(first);
  });

  test('a function that throws half-way leaves no traced value behind', () => {
    const b = buffer(2);
    const f = (x: m.Value) => {
      b.set(0, m.mul(x, 3));
      throw new Error('stop');
    };
    expect(() => derivative(f, engine(), 2)).toThrow('stop');
    expect(b.toFloat64Array()).toEqual(vec(6, 0));
  });
});

describe('the journal: every evaluation of f starts from the state the call began with', () => {
  // With the state (b₀, b₁) at the start:  t = b₁; b₁ ← x₀·b₀; b₀ ← t + x₁; y = (b₀·x₀, b₁·x₁)
  //   y = ((b₁ + x₁)·x₀, b₀·x₀·x₁),  J = [[b₁ + x₁, x₀], [b₀·x₁, b₀·x₀]],
  //   and afterwards the buffer holds (b₁ + x₁, x₀·b₀).
  const state = vec(2, 5);
  const step = (b: Buffer, x: m.Value) => {
    const t = b.get(1);
    b.set(1, m.mul(m.get(x, 0), b.get(0)));
    b.set(0, m.add(t, m.get(x, 1)));
  };
  const reads = (b: Buffer) => (x: m.Value) => {
    step(b, x);
    return m.stack([m.mul(b.get(0), m.get(x, 0)), m.mul(b.get(1), m.get(x, 1))]);
  };
  const x = vec(3, 7);
  const J = matrix([
    [5 + 7, 3],
    [2 * 7, 2 * 3],
  ]);
  const after = vec(5 + 7, 3 * 2);

  test('a Jacobian built column by column (one evaluation per column)', () => {
    const b = buffer(state);
    const engine = dual();
    expectClose(jacobian(reads(b), engine, x), J);
    expect(engine.evaluations).toBe(2);
    expect(b.read()).toEqual(after);
  });

  test('a Jacobian by the tape, one evaluation and several cotangents', () => {
    const b = buffer(state);
    expectClose(jacobian(reads(b), tape(), x), J);
    expect(b.read()).toEqual(after);
  });

  test('Hessians and Hessian-vector products that evaluate f once per tangent or column', () => {
    // g = b₀'·b₁' = (b₁ + x₁)·x₀·b₀: H = [[0, b₀], [b₀, 0]]
    const scalar = (b: Buffer) => (x: m.Value) => {
      step(b, x);
      return m.mul(b.get(0), b.get(1));
    };
    const H = matrix([
      [0, 2],
      [2, 0],
    ]);
    for (const backend of [tape(), dual()]) {
      const b = buffer(state);
      expectClose(hvp(scalar(b), backend, x, [vec(1, 0), vec(0, 1)]), [vec(0, 2), vec(2, 0)]);
      expect(b.read()).toEqual(after);
      const c = buffer(state);
      expectClose(hessian(scalar(c), backend, x), H);
      expect(c.read()).toEqual(after);
    }
  });

  test('nested differentiations: an inner write settles to the outer traced value, then to a number', () => {
    const b = buffer(1);
    const f = (x: m.Value) =>
      m.mul(
        x,
        derivative(
          (y: m.Value) => {
            b.set(0, m.mul(x, y));
            return b.get(0);
          },
          tape(),
          1,
        ) as m.Value,
      );
    // x · x → 2x
    for (const outer of [tape(), dual()]) {
      expect(derivative(f, outer, 1.5)).toBe(3);
      expect(b.read()).toEqual(vec(1.5));
    }
  });
});

describe('packed slots: a tape keeps its plain-number tracers in a buffer as integers', () => {
  test("an inner trace that cannot pack writes beside the outer tape's packed slots", () => {
    // Outer tape: b₀ ← x². Inner Jacobian by dual numbers, one evaluation per column, each
    // starting from b₀ = x² (packed), b₁ = 0:  b₁ ← b₀·y₀·y₁; b₀ ← y₁; g = (b₁, b₀·y₀).
    // g = (x²y₀y₁, y₁y₀), J = [[x²y₁, x²y₀], [y₁, y₀]] = [[2x², x²], [2, 1]] at y = (1, 2);
    // b₁ = 2x² after it, so f = sum(J)·b₁ = (3x² + 3)·2x², f' = 24x³ + 12x.
    const b = buffer(2);
    const f = (x: m.Value) => {
      b.set(0, m.mul(x, x));
      const g = (y: m.Value) => {
        b.set(1, m.mul(m.mul(b.get(0), m.get(y, 0)), m.get(y, 1)));
        b.set(0, m.get(y, 1));
        return m.stack([b.get(1), m.mul(b.get(0), m.get(y, 0))]);
      };
      const engine = dual();
      const J = jacobian(g, engine, vec(1, 2)) as m.Value;
      expect(engine.evaluations).toBe(2);
      return m.mul(m.sum(J), b.get(1));
    };
    for (const x of [0.5, -1.25, 2]) {
      expect(derivative(f, tape(), x)).toBeCloseTo(24 * x ** 3 + 12 * x, 12);
      expect(b.read()).toEqual(vec(2, 2 * x * x));
    }
  });

  test("an inner tape writes beside an outer tape's packed slots; both settle to numbers", () => {
    // b₀ ← x² (outer); inner: b₁ ← y·b₀, g = b₁·y = x²y², g'(2) = 4x²; f = g'·b₀ = 4x⁴.
    const b = buffer(2);
    const f = (x: m.Value) => {
      b.set(0, m.mul(x, x));
      const inner = derivative(
        (y: m.Value) => {
          b.set(1, m.mul(y, b.get(0)));
          return m.mul(b.get(1), y);
        },
        tape(),
        2,
      ) as m.Value;
      return m.mul(inner, b.get(0));
    };
    for (const x of [0.5, 1.5]) {
      expect(derivative(f, tape(), x)).toBeCloseTo(16 * x ** 3, 12);
      expect(b.read()).toEqual(vec(x * x, 2 * x * x));
    }
  });

  test('a slot rewritten with a plain number, a fill and an assign drop the packed tracers', () => {
    const b = buffer(3);
    const f = (x: m.Value) => {
      b.set(0, m.mul(x, 2));
      b.set(1, m.mul(x, 3));
      b.set(1, 4);
      const first = m.add(b.get(0), b.get(1));
      b.fill(m.mul(x, x));
      const second = m.sum(b.read());
      b.set(2, m.mul(x, 5));
      b.assign(vec(1, 1, 1));
      return m.add(m.add(first, second), m.sum(b.read()));
    };
    // first = 2x + 4, second = 3x², then 3: f' = 2 + 6x
    expect(derivative(f, tape(), 1.5)).toBe(2 + 6 * 1.5);
    expect(b.read()).toEqual(vec(1, 1, 1));
  });
});

describe('a plain Float64Array cannot hold a traced value', () => {
  test.each(engines)('writing one into it throws TracedValueError on %s', (_name, engine) => {
    const plain = new Float64Array(1);
    const f = (x: m.Value) => {
      plain[0] = x as number;
      return m.square(plain[0]);
    };
    expect(() => derivative(f, engine(), 2)).toThrow(TracedValueError);
    expect(plain).toEqual(vec(0));
  });

  test('JS arithmetic and Math on a traced value throw TracedValueError', () => {
    expect(() => derivative((x: m.Value) => (x as number) + 1, tape(), 2)).toThrow(TracedValueError);
    expect(() => derivative((x: m.Value) => Math.exp(x as number), tape(), 2)).toThrow(TracedValueError);
    expect(() => derivative((x: m.Value) => ((x as number) < 0 ? 0 : x), tape(), 2)).toThrow(
      TracedValueError,
    );
  });

  test('toFloat64Array of a buffer holding a traced value throws TracedValueError', () => {
    const b = buffer(1);
    const f = (x: m.Value) => {
      b.set(0, x);
      b.toFloat64Array();
      return x;
    };
    expect(() => derivative(f, tape(), 2)).toThrow(TracedValueError);
    expect(b.toFloat64Array()).toEqual(vec(2));
  });
});
