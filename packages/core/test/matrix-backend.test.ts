/**
 * SparseMatrix (CSR) and the protocol that hands jacobian and hessian to a matrix backend: the
 * backend plans once per preparation through a probe that leaves buffers untouched, and results
 * are fresh SparseMatrix copies.
 */
import {
  type MatrixBackend,
  NDArray,
  SparseMatrix,
  buffer,
  gradient,
  hvp,
  isDiffError,
  jacobian,
  jacobianInto,
  prepareHessian,
  prepareJacobian,
} from '@diffint/core';
import { type LeafFn, type MatrixPlan, type Probe, hvpValues, pushforwardValues } from '@diffint/core/engine';
import * as m from '@diffint/core/math';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';

const csr = (rows: number, cols: number, rowPtr: number[], colIdx: number[], values: number[]) =>
  new SparseMatrix([rows, cols], Int32Array.from(rowPtr), Int32Array.from(colIdx), Float64Array.from(values));

const thrownBy = (thunk: () => unknown): string => {
  try {
    thunk();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};
const codeOf = (thunk: () => unknown) => {
  try {
    thunk();
  } catch (e) {
    return isDiffError(e) ? e.code : `not a DiffError: ${String(e)}`;
  }
  return 'no error';
};

describe('SparseMatrix', () => {
  const A = csr(2, 3, [0, 2, 3], [0, 2, 1], [1, 2, 3]);

  test('get, nnz and toDense read the CSR arrays', () => {
    expect(A.nnz).toBe(3);
    expect([A.get(0, 0), A.get(0, 1), A.get(0, 2), A.get(1, 0), A.get(1, 1), A.get(1, 2)]).toEqual([
      1, 0, 2, 0, 3, 0,
    ]);
    const D = A.toDense();
    expect(D.shape).toEqual([2, 3]);
    expect(Array.from(D.data)).toEqual([1, 0, 2, 0, 3, 0]);
  });

  test('get outside the shape is an InvalidInputError', () => {
    expect(codeOf(() => A.get(2, 0))).toBe('DIFF_INVALID_INPUT');
    expect(codeOf(() => A.get(0, -1))).toBe('DIFF_INVALID_INPUT');
  });

  test.each([
    ['rowPtr of the wrong length', () => csr(2, 3, [0, 3], [0, 1, 2], [1, 1, 1])],
    ['rowPtr not ending at nnz', () => csr(2, 3, [0, 1, 2], [0, 1, 2], [1, 1, 1])],
    ['a decreasing rowPtr', () => csr(2, 3, [0, 2, 1], [0, 1], [1, 1])],
    ['a column out of range', () => csr(1, 2, [0, 1], [2], [1])],
    ['repeated columns in a row', () => csr(1, 3, [0, 2], [1, 1], [1, 1])],
    ['unsorted columns in a row', () => csr(1, 3, [0, 2], [2, 1], [1, 1])],
    ['a non-integer shape', () => csr(1.5, 3, [0, 0], [], [])],
    ['plain arrays', () => new SparseMatrix([1, 1], [0, 1] as never, Int32Array.of(0), Float64Array.of(1))],
  ])('refuses %s', (_, make) => {
    expect(codeOf(make)).toBe('DIFF_INVALID_INPUT');
  });

  test('values of the wrong length are a ShapeMismatchError', () => {
    expect(codeOf(() => csr(1, 2, [0, 1], [0], [1, 2]))).toBe('DIFF_SHAPE_MISMATCH');
  });

  test('sameStructure compares shape and nonzeros, not values', () => {
    expect(A.sameStructure(csr(2, 3, [0, 2, 3], [0, 2, 1], [9, 9, 9]))).toBe(true);
    expect(A.sameStructure(csr(2, 3, [0, 2, 3], [0, 1, 1], [1, 2, 3]))).toBe(false);
    expect(A.sameStructure(csr(2, 4, [0, 2, 3], [0, 2, 1], [1, 2, 3]))).toBe(false);
  });
});

/**
 * A dense matrix backend, for the protocol alone: its pattern is every entry (the Jacobian's rows
 * found by probing f once), evaluated by unit seeds; it counts its plans.
 */
function denseMatrix(): MatrixBackend & { plans: number } {
  const engine = tape();
  const self = {
    kind: 'matrix' as const,
    name: 'dense-matrix',
    inner: engine,
    plans: 0,
    plan(op: 'jacobian' | 'hessian', probe: Probe, xs: readonly m.Value[]): MatrixPlan {
      self.plans++;
      const n = m.size(xs[0]!);
      const rows = op === 'hessian' ? n : probe((f) => m.size(f(xs)[0]!));
      const rowPtr = Int32Array.from({ length: rows + 1 }, (_, i) => i * n);
      const colIdx = Int32Array.from({ length: rows * n }, (_, k) => k % n);
      const pattern = new SparseMatrix([rows, n], rowPtr, colIdx, new Float64Array(rows * n).fill(1));
      const unit = Array.from({ length: n }, (_, j) => [
        Float64Array.from({ length: n }, (_, k) => (k === j ? 1 : 0)),
      ]);
      const matrix = (cols: readonly (readonly m.Value[])[]) => {
        const values = new Float64Array(rows * n);
        cols.forEach((col, j) => {
          const c = m.value(col[0]!) as Float64Array;
          for (let i = 0; i < rows; i++) values[i * n + j] = c[i]!;
        });
        return new SparseMatrix([rows, n], rowPtr, colIdx, values);
      };
      return {
        pattern,
        colors: Int32Array.from({ length: n }, (_, j) => j),
        ncolors: n,
        evaluate(f: LeafFn, xs: readonly m.Value[], key: object) {
          if (op === 'hessian') {
            const r = hvpValues(engine, f, xs, unit, key);
            return { ys: [r.y], gradient: r.gradient, matrix: matrix(r.results) };
          }
          const r = pushforwardValues(engine, f, xs, unit, key);
          return { ys: r.ys, matrix: matrix(r.results) };
        },
      };
    },
  };
  return self;
}

describe('a matrix backend', () => {
  const state = buffer(1);
  // Reads its buffer before writing it: each call advances the state by one.
  const f = (x: m.Value) => {
    const s = state.get(0);
    state.set(0, m.add(s, 1));
    return m.mul(x, s);
  };

  test('gets jacobian: plans once per preparation, its probe leaves buffers as they were', () => {
    state.fill(3);
    const b = denseMatrix();
    const x = Float64Array.of(1, 2);
    const p = prepareJacobian(f, b, x);
    expect(b.plans).toBe(1);
    expect(state.get(0)).toBe(3);
    expect(p.ncolors).toBe(2);
    expect(p.pattern.nnz).toBe(4);
    const J = p.jacobian(x);
    expect(J).toBeInstanceOf(SparseMatrix);
    expect(Array.from(J.toDense().data)).toEqual([3, 0, 0, 3]);
    // One call advanced the state once, as one plain call of f would.
    expect(state.get(0)).toBe(4);
    expect(Array.from(p.jacobian(x).toDense().data)).toEqual([4, 0, 0, 4]);
    expect(b.plans).toBe(1);
  });

  test('results are fresh; jacobianInto writes into an earlier result of the same structure', () => {
    state.fill(2);
    const b = denseMatrix();
    const x = Float64Array.of(1, 2);
    const p = prepareJacobian(f, b, x);
    const J1 = p.jacobian(x);
    const J2 = p.jacobian(x);
    expect(J1.values).not.toBe(J2.values);
    expect(J1.rowPtr).not.toBe(J2.rowPtr);
    J1.values.fill(0);
    const out = p.jacobianInto(J1, x);
    expect(out).toBe(J1);
    expect(Array.from(J1.toDense().data)).toEqual([4, 0, 0, 4]);
    const wrong = new SparseMatrix(
      [2, 2],
      Int32Array.of(0, 1, 2),
      Int32Array.of(0, 1),
      Float64Array.of(0, 0),
    );
    expect(codeOf(() => p.jacobianInto(wrong, x))).toBe('DIFF_SHAPE_MISMATCH');
    expect(codeOf(() => p.jacobianInto(NDArray.zeros([2, 2]) as never, x))).toBe('DIFF_INVALID_INPUT');
    expect(Array.from(wrong.values)).toEqual([0, 0]);
  });

  test('one-shot jacobian and jacobianInto hand over too', () => {
    state.fill(1);
    const x = Float64Array.of(5, 6);
    const J = jacobian(f, denseMatrix(), x);
    expect(Array.from(J.toDense().data)).toEqual([1, 0, 0, 1]);
    expect(jacobianInto(J, f, denseMatrix(), x)).toBe(J);
    expect(Array.from(J.toDense().data)).toEqual([2, 0, 0, 2]);
  });

  test('valueAndJacobian and valueAndJacobianInto give f(x) beside the sparse Jacobian', () => {
    // g = (x0 x1, x0 + 3 x1): J = [[x1, x0], [1, 3]]
    const g = (x: m.Value) =>
      m.stack([m.mul(m.get(x, 0), m.get(x, 1)), m.add(m.get(x, 0), m.mul(3, m.get(x, 1)))]);
    const p = prepareJacobian(g, denseMatrix(), Float64Array.of(0, 0));
    const [y, J] = p.valueAndJacobian(Float64Array.of(2, 5));
    expect(Array.from(y as Float64Array)).toEqual([10, 17]);
    expect(J).toBeInstanceOf(SparseMatrix);
    expect(Array.from(J.toDense().data)).toEqual([5, 2, 1, 3]);
    const [y2, out] = p.valueAndJacobianInto(J, Float64Array.of(1, -1));
    expect(Array.from(y2 as Float64Array)).toEqual([-1, -2]);
    expect(out).toBe(J);
    expect(Array.from(J.toDense().data)).toEqual([-1, 1, 1, 3]);
    expect(codeOf(() => p.valueAndJacobianInto(NDArray.zeros([2, 2]) as never, Float64Array.of(1, 1)))).toBe(
      'DIFF_INVALID_INPUT',
    );
  });

  test('gets hessian, with the value and gradient of f', () => {
    const b = denseMatrix();
    const x = Float64Array.of(1, 2);
    // f = x0² x1 + x1³: ∇f = (2 x0 x1, x0² + 3 x1²), H = [[2 x1, 2 x0], [2 x0, 6 x1]]
    const p = prepareHessian(
      (x: m.Value) => m.add(m.mul(m.square(m.get(x, 0)), m.get(x, 1)), m.pow(m.get(x, 1), 3)),
      b,
      x,
    );
    expect(b.plans).toBe(1);
    const [y, grad, H] = p.valueGradientAndHessian(x);
    expect(y).toBe(10);
    expect(Array.from(grad)).toEqual([4, 13]);
    expect(H).toBeInstanceOf(SparseMatrix);
    expect(Array.from(H.toDense().data)).toEqual([4, 2, 2, 12]);
    expect(p.hessianInto(H, Float64Array.of(2, 1))).toBe(H);
    expect(Array.from(H.toDense().data)).toEqual([2, 4, 4, 6]);
  });

  test('a sparse result shares no array with another; an out that cannot receive one is named', () => {
    state.fill(0);
    const b = denseMatrix();
    const x = Float64Array.of(1, 2);
    const p = prepareJacobian(f, b, x);
    const J1 = p.jacobian(x);
    const J2 = p.jacobian(x);
    expect(J1.colIdx).not.toBe(J2.colIdx);
    expect(J1.colIdx).toEqual(J2.colIdx);
    const notSparse = thrownBy(() => p.jacobianInto(NDArray.zeros([2, 2]) as never, x));
    expect(notSparse).toMatch(
      /^out must be a SparseMatrix to receive a sparse result: pass a result of an earlier call of the same preparation\.$/,
    );
    const wrong = new SparseMatrix(
      [2, 2],
      Int32Array.of(0, 1, 2),
      Int32Array.of(0, 1),
      Float64Array.of(0, 0),
    );
    expect(thrownBy(() => p.jacobianInto(wrong, x))).toBe(
      'out (shape [2, 2], 2 nonzeros) does not have the structure of the result (shape [2, 2], 4 nonzeros); ' +
        'pass a result of an earlier call of the same preparation.',
    );
  });

  test('a prepared sparse hessian', () => {
    // f = x0² x1: H = [[2 x1, 2 x0], [2 x0, 0]]
    const p = prepareHessian(
      (x: m.Value) => m.mul(m.square(m.get(x, 0)), m.get(x, 1)),
      denseMatrix(),
      Float64Array.of(0, 0),
    );
    const H = p.hessian(Float64Array.of(1, 3));
    expect(H).toBeInstanceOf(SparseMatrix);
    expect(Array.from(H.toDense().data)).toEqual([6, 2, 2, 0]);
  });

  test('every other operator runs on its inner backend', () => {
    const b = denseMatrix();
    const f = (x: m.Value) => m.sum(m.mul(m.square(x), x));
    expect(Array.from(gradient(f, b, Float64Array.of(1, 2)))).toEqual([3, 12]);
    expect(Array.from(hvp(f, b, Float64Array.of(1, 2), [Float64Array.of(1, 1)])[0]!)).toEqual([6, 12]);
    expect(b.plans).toBe(0);
  });
});
