import { InvalidInputError, ShapeMismatchError } from './errors.js';
import { NDArray } from './values.js';

/**
 * A sparse matrix in compressed sparse row (CSR) form: the structural nonzeros of row `i` are at
 * positions `rowPtr[i] … rowPtr[i + 1] - 1` of `colIdx` (their columns, strictly increasing) and
 * `values` (their values). What `jacobian` and `hessian` return for a sparse backend, so that
 * other packages (a solver, a sparse LU) can accept it without depending on `@diffint/sparse`.
 *
 * A structural nonzero may hold the value 0 (a derivative that happens to vanish at x): the
 * structure is the sparsity pattern, valid for every x; the values are those at x.
 */
export class SparseMatrix {
  /** [rows, columns]. */
  readonly shape: readonly [number, number];
  /** Row offsets into `colIdx` and `values`: length rows + 1, starting at 0, non-decreasing. */
  readonly rowPtr: Int32Array;
  /** The column of each structural nonzero, strictly increasing within a row. */
  readonly colIdx: Int32Array;
  /** The value of each structural nonzero. */
  readonly values: Float64Array;

  /**
   * Checks the CSR structure and keeps the arrays (not copies). Throws `InvalidInputError` for
   * arrays of the wrong type or a malformed structure, naming what is wrong.
   */
  constructor(
    shape: readonly [number, number],
    rowPtr: Int32Array,
    colIdx: Int32Array,
    values: Float64Array,
  ) {
    const where = 'new SparseMatrix(shape, rowPtr, colIdx, values)';
    if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new InvalidInputError(`${where}: shape must be [rows, columns] of non-negative integers.`);
    }
    if (!(rowPtr instanceof Int32Array) || !(colIdx instanceof Int32Array)) {
      throw new InvalidInputError(`${where}: rowPtr and colIdx must be Int32Arrays (use Int32Array.from).`);
    }
    if (!(values instanceof Float64Array)) {
      throw new InvalidInputError(`${where}: values must be a Float64Array (use Float64Array.from).`);
    }
    const [rows, cols] = shape;
    const nnz = colIdx.length;
    if (rowPtr.length !== rows + 1 || rowPtr[0] !== 0 || rowPtr[rows] !== nnz) {
      throw new InvalidInputError(
        `${where}: rowPtr must have rows + 1 = ${rows + 1} entries from 0 to colIdx.length = ${nnz}; ` +
          `it has ${rowPtr.length} entries from ${rowPtr[0]} to ${rowPtr[rowPtr.length - 1]}.`,
      );
    }
    if (values.length !== nnz) {
      throw new ShapeMismatchError(
        `${where}: values has ${values.length} entries, colIdx ${nnz}; each structural nonzero needs one of each.`,
      );
    }
    for (let i = 0; i < rows; i++) {
      const start = rowPtr[i]!;
      const end = rowPtr[i + 1]!;
      if (end < start) {
        throw new InvalidInputError(`${where}: rowPtr decreases at row ${i} (${start} then ${end}).`);
      }
      for (let k = start; k < end; k++) {
        const j = colIdx[k]!;
        if (j < 0 || j >= cols || (k > start && j <= colIdx[k - 1]!)) {
          throw new InvalidInputError(
            `${where}: row ${i} has column ${j} at position ${k}; columns must lie in [0, ${cols}) and ` +
              'increase strictly within a row.',
          );
        }
      }
    }
    this.shape = Object.freeze([rows, cols]) as readonly [number, number];
    this.rowPtr = rowPtr;
    this.colIdx = colIdx;
    this.values = values;
  }

  /** The number of structural nonzeros. */
  get nnz(): number {
    return this.colIdx.length;
  }

  /** The entry at row `i`, column `j` (0 where there is no structural nonzero). */
  get(i: number, j: number): number {
    const [rows, cols] = this.shape;
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || j < 0 || i >= rows || j >= cols) {
      throw new InvalidInputError(
        `SparseMatrix.get(${i}, ${j}): the index is outside a matrix of shape [${rows}, ${cols}].`,
      );
    }
    let lo = this.rowPtr[i]!;
    let hi = this.rowPtr[i + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const c = this.colIdx[mid]!;
      if (c === j) return this.values[mid]!;
      if (c < j) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  /** A dense copy, [rows, columns]. */
  toDense(): NDArray {
    const [rows, cols] = this.shape;
    const out = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      for (let k = this.rowPtr[i]!; k < this.rowPtr[i + 1]!; k++)
        out[i * cols + this.colIdx[k]!] = this.values[k]!;
    }
    return new NDArray(out, [rows, cols]);
  }

  /** Whether `other` has the same shape and the same structural nonzeros. */
  sameStructure(other: SparseMatrix): boolean {
    if (this.shape[0] !== other.shape[0] || this.shape[1] !== other.shape[1] || this.nnz !== other.nnz) {
      return false;
    }
    for (let i = 0; i < this.rowPtr.length; i++) if (this.rowPtr[i] !== other.rowPtr[i]) return false;
    for (let k = 0; k < this.colIdx.length; k++) if (this.colIdx[k] !== other.colIdx[k]) return false;
    return true;
  }
}
