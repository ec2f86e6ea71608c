/**
 * Portable math on plain values: NumPy broadcasting and results, the kinds of values returned,
 * shape errors, the scalar fast path, and arguments never mutated.
 */
import { InvalidInputError, NDArray, ShapeMismatchError, derivative } from '@diffint/core';
import * as m from '@diffint/core/math';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';

const vec = (...xs: number[]) => Float64Array.of(...xs);
const mat = (rows: number[][]) => NDArray.from(rows);
/** Row-major data and shape of a plain value, for comparisons independent of its kind. */
const dense = (v: m.Value) => {
  const p = m.value(v);
  return {
    shape: [...m.shape(p)],
    data: typeof p === 'number' ? [p] : Array.from(p instanceof NDArray ? p.data : p),
  };
};
const range = (n: number, scale = 1) => Float64Array.from({ length: n }, (_, i) => (i + 1) * scale);

describe('broadcasting', () => {
  test('a scalar with a vector and with a matrix', () => {
    expect(m.add(10, vec(1, 2, 3))).toEqual(vec(11, 12, 13));
    expect(m.sub(vec(1, 2, 3), 1)).toEqual(vec(0, 1, 2));
    expect(
      dense(
        m.mul(
          mat([
            [1, 2],
            [3, 4],
          ]),
          2,
        ),
      ),
    ).toEqual({ shape: [2, 2], data: [2, 4, 6, 8] });
  });

  test('a bias vector across the rows of a batch matrix', () => {
    const X = mat([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const b = vec(10, 20, 30);
    const y = m.add(X, b);
    expect(y).toBeInstanceOf(NDArray);
    expect(dense(y)).toEqual({ shape: [2, 3], data: [11, 22, 33, 14, 25, 36] });
    expect(dense(m.add(b, X))).toEqual(dense(y));
  });

  test('[m, 1] with [1, n] is an outer operation', () => {
    const col = new NDArray(vec(1, 2, 3), [3, 1]);
    const row = new NDArray(vec(10, 20), [1, 2]);
    expect(dense(m.mul(col, row))).toEqual({ shape: [3, 2], data: [10, 20, 20, 40, 30, 60] });
  });

  test('rank 3 with a matrix aligns shapes on the right', () => {
    const a = new NDArray(range(2 * 1 * 3), [2, 1, 3]);
    const b = new NDArray(range(4, 100), [4, 1]);
    const y = dense(m.add(a, b));
    expect(y.shape).toEqual([2, 4, 3]);
    const expected: number[] = [];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 4; j++) for (let k = 0; k < 3; k++) expected.push(i * 3 + k + 1 + (j + 1) * 100);
    expect(y.data).toEqual(expected);
  });

  test('where broadcasts its condition and both branches', () => {
    const cond = new NDArray(vec(1, 0), [2, 1]);
    expect(dense(m.where(cond, vec(1, 2, 3), -1))).toEqual({ shape: [2, 3], data: [1, 2, 3, -1, -1, -1] });
    expect(m.where(vec(0, 1, 2), vec(1, 2, 3), vec(4, 5, 6))).toEqual(vec(4, 2, 3));
  });

  test('shapes that do not broadcast are a ShapeMismatchError naming the op and the shapes', () => {
    expect(() => m.add(vec(1, 2), vec(1, 2, 3))).toThrow(ShapeMismatchError);
    expect(() => m.add(vec(1, 2), vec(1, 2, 3))).toThrow(/add: shapes \[2\] and \[3\]/);
    expect(() => m.mul(mat([[1, 2, 3]]), new NDArray(vec(1, 2), [2, 1]).data)).toThrow(ShapeMismatchError);
    expect(() => m.where(vec(1, 0, 1), vec(1, 2), 0)).toThrow(ShapeMismatchError);
  });
});

describe('NumPy-compatible reductions', () => {
  // np.arange(1, 25).reshape(2, 3, 4)
  const t = new NDArray(range(24), [2, 3, 4]);
  const at = (i: number, j: number, k: number) => i * 12 + j * 4 + k + 1;
  const reduce = (axis: number, f: (xs: number[]) => number) => {
    const dims = [2, 3, 4];
    const outShape = dims.filter((_, d) => d !== axis);
    const out: number[] = [];
    for (let p = 0; p < outShape[0]!; p++)
      for (let q = 0; q < outShape[1]!; q++) {
        const xs: number[] = [];
        for (let r = 0; r < dims[axis]!; r++) {
          const idx = [p, q];
          idx.splice(axis, 0, r);
          xs.push(at(idx[0]!, idx[1]!, idx[2]!));
        }
        out.push(f(xs));
      }
    return { shape: outShape, data: out };
  };
  const total = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

  test('sum of everything is a number', () => {
    expect(m.sum(t)).toBe(300);
    expect(m.sum(vec(1, 2, 3.5))).toBe(6.5);
  });

  test.each([0, 1, 2])('sum along axis %i removes it', (axis) => {
    expect(dense(m.sum(t, axis))).toEqual(reduce(axis, total));
  });

  test.each([0, 1, 2])('mean along axis %i', (axis) => {
    const got = dense(m.mean(t, axis));
    const want = reduce(axis, (xs) => total(xs) / xs.length);
    expect(got.shape).toEqual(want.shape);
    got.data.forEach((g, i) => expect(g).toBeCloseTo(want.data[i]!, 12));
  });

  test('negative axes count from the end', () => {
    expect(dense(m.sum(t, -1))).toEqual(dense(m.sum(t, 2)));
    expect(dense(m.mean(t, -3))).toEqual(dense(m.mean(t, 0)));
  });

  test('a vector summed along axis 0 is a number; mean of everything', () => {
    expect(m.sum(vec(1, 2, 3), 0)).toBe(6);
    expect(m.mean(t)).toBe(12.5);
  });

  test('an axis out of range is a ShapeMismatchError', () => {
    expect(() => m.sum(t, 3)).toThrow(ShapeMismatchError);
    expect(() => m.mean(vec(1, 2), -2)).toThrow(ShapeMismatchError);
    expect(() => m.sum(5, 0)).toThrow(ShapeMismatchError);
  });
});

describe('products', () => {
  const A = mat([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const B = mat([
    [1, 0],
    [0, 1],
    [2, -1],
  ]);

  test('matmul of matrices', () => {
    // [1·1 + 3·2, 2 - 3], [4 + 12, 5 - 6]
    expect(dense(m.matmul(A, B))).toEqual({ shape: [2, 2], data: [7, -1, 16, -1] });
  });

  test('matmul with vectors follows NumPy: [m,k]×[k] → [m], [k]×[k,n] → [n], [k]×[k] → scalar', () => {
    expect(m.matmul(A, vec(1, 1, 1))).toEqual(vec(6, 15));
    expect(m.matmul(vec(1, 1), A)).toEqual(vec(5, 7, 9));
    expect(m.matmul(vec(1, 2), vec(3, 4))).toBe(11);
  });

  test('matvec and dot', () => {
    expect(m.matvec(A, vec(1, 0, -1))).toEqual(vec(-2, -2));
    expect(m.dot(vec(1, 2, 3), vec(4, 5, 6))).toBe(32);
  });

  test('mismatched inner dimensions are ShapeMismatchErrors', () => {
    expect(() => m.matmul(A, A)).toThrow(ShapeMismatchError);
    expect(() => m.matvec(A, vec(1, 2))).toThrow(ShapeMismatchError);
    expect(() => m.dot(vec(1, 2), vec(1, 2, 3))).toThrow(ShapeMismatchError);
    expect(() => m.dot(A, A)).toThrow(ShapeMismatchError);
    expect(() => m.matmul(new NDArray(range(8), [2, 2, 2]), A)).toThrow(ShapeMismatchError);
  });
});

describe('shapes and indexing', () => {
  const A = mat([
    [1, 2, 3],
    [4, 5, 6],
  ]);

  test('transpose', () => {
    expect(dense(m.transpose(A))).toEqual({ shape: [3, 2], data: [1, 4, 2, 5, 3, 6] });
    expect(() => m.transpose(vec(1, 2))).toThrow(ShapeMismatchError);
  });

  test('reshape keeps row-major order; a size change is a ShapeMismatchError', () => {
    expect(dense(m.reshape(A, [3, 2]))).toEqual({ shape: [3, 2], data: [1, 2, 3, 4, 5, 6] });
    expect(m.reshape(A, [6])).toEqual(vec(1, 2, 3, 4, 5, 6));
    expect(m.reshape(vec(7), [])).toBe(7);
    expect(() => m.reshape(A, [4])).toThrow(ShapeMismatchError);
  });

  test('get: an element of a vector, a row of a matrix, an element of a matrix; negative indices count from the end', () => {
    expect(m.get(vec(1, 2, 3), 0)).toBe(1);
    expect(m.get(vec(1, 2, 3), -1)).toBe(3);
    expect(m.get(A, 1)).toEqual(vec(4, 5, 6));
    expect(m.get(A, -2)).toEqual(vec(1, 2, 3));
    expect(m.get(A, 1, 2)).toBe(6);
    expect(m.get(A, -1, -3)).toBe(4);
  });

  test('get out of range or on a scalar is an InvalidInputError', () => {
    expect(() => m.get(vec(1, 2), 2)).toThrow(InvalidInputError);
    expect(() => m.get(vec(1, 2), -3)).toThrow(InvalidInputError);
    expect(() => m.get(vec(1, 2), 0.5)).toThrow(InvalidInputError);
    expect(() => m.get(3, 0)).toThrow(InvalidInputError);
  });

  test('slice takes rows start … end-1 along the first axis; end defaults to the length', () => {
    expect(m.slice(vec(1, 2, 3, 4), 1, 3)).toEqual(vec(2, 3));
    expect(m.slice(vec(1, 2, 3, 4), 2)).toEqual(vec(3, 4));
    expect(dense(m.slice(A, 1, 2))).toEqual({ shape: [1, 3], data: [4, 5, 6] });
    expect(m.slice(vec(1, 2, 3), 1, 1)).toEqual(vec());
  });

  test('slice with negative bounds counts from the end, as NumPy does', () => {
    expect(m.slice(vec(1, 2, 3, 4), 1, -1)).toEqual(vec(2, 3));
    expect(m.slice(vec(1, 2, 3, 4), -2)).toEqual(vec(3, 4));
  });

  test('slice bounds outside the axis are a ShapeMismatchError', () => {
    expect(() => m.slice(vec(1, 2, 3), 1, 5)).toThrow(ShapeMismatchError);
    expect(() => m.slice(vec(1, 2, 3), 2, 1)).toThrow(ShapeMismatchError);
  });

  test('concat joins along the first axis', () => {
    expect(m.concat([vec(1, 2), vec(3), vec(4, 5)])).toEqual(vec(1, 2, 3, 4, 5));
    expect(dense(m.concat([A, mat([[7, 8, 9]])]))).toEqual({
      shape: [3, 3],
      data: [1, 2, 3, 4, 5, 6, 7, 8, 9],
    });
    expect(() => m.concat([A, vec(1, 2, 3)])).toThrow(ShapeMismatchError);
    expect(() => m.concat([1, 2])).toThrow(ShapeMismatchError);
  });

  test('stack adds a first axis: numbers into a vector, vectors into a matrix', () => {
    expect(m.stack([1, 2, 3])).toEqual(vec(1, 2, 3));
    expect(dense(m.stack([vec(1, 2), vec(3, 4), vec(5, 6)]))).toEqual({
      shape: [3, 2],
      data: [1, 2, 3, 4, 5, 6],
    });
    expect(() => m.stack([vec(1, 2), vec(1)])).toThrow(ShapeMismatchError);
    expect(() => m.stack([])).toThrow(InvalidInputError);
  });

  test('value() of a plain value is that value', () => {
    const v = vec(1, 2);
    expect(m.value(v)).toBe(v);
    expect(m.value(3)).toBe(3);
  });

  test('value() of a traced value is its plain primal, through every level, for control flow', () => {
    const relu = (x: m.Value) => ((m.value(x) as number) > 0 ? x : m.mul(0, x));
    expect(derivative(relu, tape(), 2)).toBe(1);
    expect(derivative(relu, tape(), -2)).toBe(0);
    const seen: unknown[] = [];
    const outer = (x: m.Value) =>
      derivative(
        (y: m.Value) => {
          seen.push(m.value(m.mul(x, y)));
          return m.mul(x, y);
        },
        tape(),
        3,
      ) as m.Value;
    expect(derivative(outer, tape(), 2)).toBe(1);
    expect(seen).toEqual([6]);
  });
});

describe('elementwise results', () => {
  test('unary ops agree with Math on vectors and keep the kind of value', () => {
    const x = vec(0.3, -1.2, 2);
    const cases: [(v: m.Value) => m.Value, (v: number) => number][] = [
      [m.neg, (v) => -v],
      [m.square, (v) => v * v],
      [m.exp, Math.exp],
      [m.sin, Math.sin],
      [m.cos, Math.cos],
      [m.tan, Math.tan],
      [m.tanh, Math.tanh],
      [m.abs, Math.abs],
      [m.sign, Math.sign],
      [m.sigmoid, (v) => 1 / (1 + Math.exp(-v))],
      [m.relu, (v) => Math.max(v, 0)],
    ];
    for (const [op, ref] of cases) {
      const y = op(x);
      expect(y).toBeInstanceOf(Float64Array);
      (y as Float64Array).forEach((e, i) => expect(e).toBeCloseTo(ref(x[i]!), 14));
    }
    const p = vec(0.5, 4);
    expect(m.sqrt(p)).toEqual(vec(Math.sqrt(0.5), 2));
    expect(m.log(p)).toEqual(vec(Math.log(0.5), Math.log(4)));
  });

  test('binary ops: pow, div, maximum, minimum and comparisons', () => {
    expect(m.pow(vec(2, 3), 2)).toEqual(vec(4, 9));
    expect(m.div(1, vec(2, 4))).toEqual(vec(0.5, 0.25));
    expect(m.maximum(vec(1, 5), vec(3, 2))).toEqual(vec(3, 5));
    expect(m.minimum(vec(1, 5), 2)).toEqual(vec(1, 2));
    expect(m.greater(vec(1, 2, 3), 2)).toEqual(vec(0, 0, 1));
    expect(m.greaterEqual(vec(1, 2, 3), 2)).toEqual(vec(0, 1, 1));
    expect(m.less(vec(1, 2, 3), 2)).toEqual(vec(1, 0, 0));
    expect(m.lessEqual(vec(1, 2, 3), 2)).toEqual(vec(1, 1, 0));
    expect(m.equal(vec(1, 2, 3), 2)).toEqual(vec(0, 1, 0));
  });

  test('maximum and minimum propagate NaN, as NumPy does', () => {
    expect(m.maximum(vec(Number.NaN, 1), vec(1, Number.NaN))).toEqual(vec(Number.NaN, Number.NaN));
    expect(m.minimum(vec(Number.NaN, 1), vec(1, Number.NaN))).toEqual(vec(Number.NaN, Number.NaN));
  });
});

describe('the scalar fast path', () => {
  test('every elementwise op on numbers returns a number', () => {
    const unary = [
      m.neg,
      m.square,
      m.sqrt,
      m.exp,
      m.log,
      m.sin,
      m.cos,
      m.tan,
      m.tanh,
      m.abs,
      m.sign,
      m.sigmoid,
      m.relu,
    ];
    for (const op of unary) expect(typeof op(0.7)).toBe('number');
    const binary = [
      m.add,
      m.sub,
      m.mul,
      m.div,
      m.pow,
      m.maximum,
      m.minimum,
      m.greater,
      m.less,
      m.greaterEqual,
      m.lessEqual,
      m.equal,
    ];
    for (const op of binary) expect(typeof op(0.7, 1.3)).toBe('number');
    expect(m.where(1, 2, 3)).toBe(2);
    expect(m.where(0, 2, 3)).toBe(3);
    expect(m.sum(4)).toBe(4);
    expect(m.mean(4)).toBe(4);
  });

  test('numbers give the values of plain JS arithmetic', () => {
    expect(m.add(0.1, 0.2)).toBe(0.1 + 0.2);
    expect(m.div(1, 3)).toBe(1 / 3);
    expect(m.pow(2, 0.5)).toBe(Math.SQRT2);
    expect(m.sigmoid(0)).toBe(0.5);
    expect(m.sign(-0.5)).toBe(-1);
  });

  test('a length-1 vector is not a scalar: it stays a Float64Array', () => {
    expect(m.add(vec(1), 1)).toEqual(vec(2));
    expect(m.mul(vec(2), vec(3))).toBeInstanceOf(Float64Array);
  });
});

test('no op mutates its arguments', () => {
  const a = vec(1, -2, 3);
  const M = mat([
    [1, 2, 3],
    [4, 5, 6],
  ]);
  const aCopy = a.slice();
  const mCopy = M.data.slice();
  const results: m.Value[] = [
    m.add(a, 1),
    m.mul(M, a),
    m.neg(a),
    m.exp(M),
    m.sum(M, 0),
    m.mean(M),
    m.transpose(M),
    m.reshape(M, [3, 2]),
    m.get(M, 1),
    m.slice(M, 0, 1),
    m.concat([M, M]),
    m.stack([a, a]),
    m.where(a, M, 0),
    m.matmul(M, a),
    m.broadcastTo(a, [2, 3]),
  ];
  expect(results).toHaveLength(15);
  expect(a).toEqual(aCopy);
  expect(M.data).toEqual(mCopy);
  expect(M.shape).toEqual([2, 3]);
});
