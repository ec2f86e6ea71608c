/**
 * Jacobians and Hessians handed to a matrix backend (`sparse(inner)`): the backend plans once
 * per preparation and returns a `SparseMatrix` on each call.
 */
import type { MatrixBackend, MatrixPlan } from '../engine.js';
import { InvalidInputError, ShapeMismatchError } from '../errors.js';
import { SparseMatrix } from '../sparse-matrix.js';
import type { AnyBackend } from '../engine.js';
import type { NDArray } from '../values.js';
import type { Preparation } from './prepare.js';

/** The matrix `jacobian` and `hessian` return for a backend: a `SparseMatrix` for a matrix backend. */
export type MatrixOf<B extends AnyBackend> = B extends MatrixBackend ? SparseMatrix : NDArray;

/** What a prepared Jacobian or Hessian of a matrix backend also shows: the structure it computes. */
export interface SparsityInfo {
  /** The sparsity pattern: a `SparseMatrix` with the value 1 at every structural nonzero. */
  readonly pattern: SparseMatrix;
  /** The color of each column (or row) of the pattern. */
  readonly colors: Int32Array;
  /** The number of colors: compressed evaluations per call. */
  readonly ncolors: number;
}

/** Plans with the backend (looking at f without changing its buffers) and returns the call. */
export function planMatrix(
  prep: Preparation,
  backend: MatrixBackend,
  operator: 'jacobian' | 'hessian',
  x: unknown,
  contexts: readonly unknown[],
): { info: SparsityInfo; compute: (x: unknown, contexts: readonly unknown[]) => MatrixResult } {
  const xs = prep.check(x, contexts);
  const plan: MatrixPlan = backend.plan(operator, (body) => prep.run(contexts, body, undefined, true), xs);
  const info: SparsityInfo = { pattern: plan.pattern, colors: plan.colors, ncolors: plan.ncolors };
  return {
    info,
    compute: (x, contexts) => {
      const xs = prep.check(x, contexts);
      return prep.run(contexts, (fn) => plan.evaluate(fn, xs, prep.key));
    },
  };
}

export type MatrixResult = ReturnType<MatrixPlan['evaluate']>;

/** A fresh copy of a sparse result (no array shared with the backend or another result). */
export function resultSparse(s: SparseMatrix): SparseMatrix {
  return new SparseMatrix(s.shape, s.rowPtr.slice(), s.colIdx.slice(), s.values.slice());
}

/** Writes a sparse result into `out`, which must have its structure (from an earlier call). */
export function writeSparseInto(out: unknown, s: SparseMatrix, name = 'out'): void {
  if (!(out instanceof SparseMatrix)) {
    throw new InvalidInputError(
      `${name} must be a SparseMatrix to receive a sparse result: pass a result of an earlier call of the same preparation.`,
    );
  }
  if (!out.sameStructure(s)) {
    throw new ShapeMismatchError(
      `${name} (shape [${out.shape.join(', ')}], ${out.nnz} nonzeros) does not have the structure of the result ` +
        `(shape [${s.shape.join(', ')}], ${s.nnz} nonzeros); pass a result of an earlier call of the same preparation.`,
    );
  }
  out.values.set(s.values);
}
