/**
 * Test functions with analytic Jacobians and Hessians (written out by hand, never computed by
 * the code under test), and comparisons of sparse results with dense references.
 */
import { type Buffer, NDArray, SparseMatrix, buffer } from '@diffint/core';
import * as m from '@diffint/core/math';
import { expect } from 'vitest';

export const vec = (...xs: number[]) => Float64Array.from(xs);
export const range = (n: number, f: (i: number) => number) =>
  Float64Array.from({ length: n }, (_, i) => f(i));

/** A dense reference [rows, cols] from a function of (i, j). */
export function dense(rows: number, cols: number, entry: (i: number, j: number) => number): NDArray {
  const d = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) d[i * cols + j] = entry(i, j);
  return new NDArray(d, [rows, cols]);
}

/** The 0/1 structure of a dense matrix of booleans, as the rows of nonzero columns. */
export function rowsOf(S: SparseMatrix): number[][] {
  return Array.from({ length: S.shape[0] }, (_, i) =>
    Array.from(S.colIdx.subarray(S.rowPtr[i]!, S.rowPtr[i + 1]!)),
  );
}

/** The rows of nonzero columns of an analytic pattern given as a predicate. */
export function rowsWhere(
  rows: number,
  cols: number,
  nonzero: (i: number, j: number) => boolean,
): number[][] {
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => j).filter((j) => nonzero(i, j)),
  );
}

/** A SparseMatrix with a pattern given as rows of columns (values 1). */
export function patternFrom(rows: number[][], cols: number): SparseMatrix {
  const rowPtr = new Int32Array(rows.length + 1);
  rows.forEach((r, i) => (rowPtr[i + 1] = rowPtr[i]! + r.length));
  return new SparseMatrix(
    [rows.length, cols],
    rowPtr,
    Int32Array.from(rows.flat()),
    new Float64Array(rowPtr[rows.length]!).fill(1),
  );
}

/** `actual` is a SparseMatrix equal to the dense reference within rtol · (1 + |ref|), zero off its pattern. */
export function expectSparseClose(actual: unknown, expected: NDArray, rtol = 1e-12): void {
  expect(actual).toBeInstanceOf(SparseMatrix);
  const S = actual as SparseMatrix;
  expect(S.shape).toEqual(expected.shape);
  const D = S.toDense();
  D.data.forEach((x, k) => {
    const e = expected.data[k]!;
    if (!(Math.abs(x - e) <= rtol * (1 + Math.abs(e)))) {
      const cols = expected.shape[1]!;
      expect.fail(`entry (${Math.floor(k / cols)}, ${k % cols}): got ${x}, expected ${e}`);
    }
  });
}

// ---- banded: y_i = 2 x_i² + x_{i-1} − sin(x_{i+1}) (missing neighbours are 0) ----

export function banded(x: m.Value): m.Value {
  const n = m.size(x);
  const left = m.pad(m.slice(x, 0, n - 1), 1, 0);
  const right = m.pad(m.slice(x, 1, n), 0, 1);
  return m.sub(m.add(m.mul(m.square(x), 2), left), m.sin(right));
}

export function bandedJacobian(x: Float64Array): NDArray {
  const n = x.length;
  return dense(n, n, (i, j) => (j === i ? 4 * x[i]! : j === i - 1 ? 1 : j === i + 1 ? -Math.cos(x[j]!) : 0));
}

export const bandedPattern = (n: number) => rowsWhere(n, n, (i, j) => Math.abs(i - j) <= 1);

// ---- arrowhead: y_i = x_i x_0 for i ≥ 1, y_0 = Σ x_j² ----

export function arrowhead(x: m.Value): m.Value {
  const n = m.size(x);
  const first = m.reshape(m.sum(m.square(x)), [1]);
  return m.concat([first, m.mul(m.slice(x, 1, n), m.get(x, 0))]);
}

export function arrowheadJacobian(x: Float64Array): NDArray {
  const n = x.length;
  return dense(n, n, (i, j) => (i === 0 ? 2 * x[j]! : j === 0 ? x[i]! : j === i ? x[0]! : 0));
}

export const arrowheadPattern = (n: number) => rowsWhere(n, n, (i, j) => i === 0 || j === 0 || i === j);

// ---- a 2-D five-point stencil through an enclosed buffer: y = Δu + u³ on a grid, zero outside ----

/** The stencil written element by element into an enclosed buffer, as allocation-free code is. */
export function stencil(side: number): { f: (x: m.Value) => m.Value; out: Buffer } {
  const out = buffer(side * side);
  const f = (x: m.Value) => {
    const at = (i: number, j: number) =>
      i < 0 || j < 0 || i >= side || j >= side ? 0 : m.get(x, i * side + j);
    for (let i = 0; i < side; i++) {
      for (let j = 0; j < side; j++) {
        const c = m.get(x, i * side + j);
        const lap = m.sub(
          m.add(m.add(at(i - 1, j), at(i + 1, j)), m.add(at(i, j - 1), at(i, j + 1))),
          m.mul(c, 4),
        );
        out.set(i * side + j, m.add(lap, m.mul(m.square(c), c)));
      }
    }
    return out.read();
  };
  return { f, out };
}

export function stencilJacobian(side: number, x: Float64Array): NDArray {
  const n = side * side;
  return dense(n, n, (p, q) => {
    if (p === q) return -4 + 3 * x[p]! ** 2;
    const [i, j, k, l] = [Math.floor(p / side), p % side, Math.floor(q / side), q % side];
    return Math.abs(i - k) + Math.abs(j - l) === 1 ? 1 : 0;
  });
}

export const stencilPattern = (side: number) =>
  rowsWhere(side * side, side * side, (p, q) => {
    const [i, j, k, l] = [Math.floor(p / side), p % side, Math.floor(q / side), q % side];
    return Math.abs(i - k) + Math.abs(j - l) <= 1;
  });

// ---- chained Rosenbrock: f = Σ (1 − x_i)² + 100 (x_{i+1} − x_i²)² ----

export function rosenbrock(x: m.Value): m.Value {
  const n = m.size(x);
  const a = m.slice(x, 0, n - 1);
  const b = m.slice(x, 1, n);
  return m.sum(m.add(m.square(m.sub(1, a)), m.mul(100, m.square(m.sub(b, m.square(a))))));
}

export function rosenbrockHessian(x: Float64Array): NDArray {
  const n = x.length;
  return dense(n, n, (i, j) => {
    if (i === j) {
      let h = 0;
      if (i < n - 1) h += 2 - 400 * (x[i + 1]! - 3 * x[i]! ** 2);
      if (i > 0) h += 200;
      return h;
    }
    if (Math.abs(i - j) === 1) return -400 * x[Math.min(i, j)]!;
    return 0;
  });
}

export const tridiagonal = (n: number) => rowsWhere(n, n, (i, j) => Math.abs(i - j) <= 1);
