import type { Context } from '../context.js';
import type { Tree } from '../pytree.js';
import type { AnyBackend, Backend, MatrixBackend } from '../engine.js';
import type { SparseMatrix } from '../sparse-matrix.js';
import type { NDArray } from '../values.js';
import { jacobianValues } from './derived.js';
import { type SparsityInfo, planMatrix, resultSparse, writeSparseInto } from './matrix.js';
import { Preparation, resultMatrix, resultTree, writeMatrixInto } from './prepare.js';
import { type AnyFn, type InputLike, type Out, type OutputOf, type ValidTree, firstOrder } from './types.js';

/**
 * A prepared Jacobian: `prepareJacobian(f, backend, x, ...contexts)` checked its arguments once and allocated what the engine
 * needs. Each call checks that x and the contexts match the prepared ones (same structure, shapes
 * and context kinds), else it throws a `PreparationMismatchError` listing each argument.
 */
export interface PreparedJacobian<X, F, Cs extends readonly Context[]> {
  /** The Jacobian at x: an `NDArray` [output size, input size] over the flattened pytrees. */
  jacobian(x: InputLike<X>, ...contexts: Cs): Out<X, Cs, NDArray>;
  /** [f(x), the Jacobian at x]. */
  valueAndJacobian(x: InputLike<X>, ...contexts: Cs): Out<X, Cs, [OutputOf<F>, NDArray]>;
  /** Writes J into `out` ([output size, input size]) and returns it. */
  jacobianInto(out: NDArray, x: InputLike<X>, ...contexts: Cs): NDArray;
  /** [f(x), the Jacobian], the Jacobian written into `out`. */
  valueAndJacobianInto(out: NDArray, x: InputLike<X>, ...contexts: Cs): [OutputOf<F>, NDArray];
}

/** A prepared sparse Jacobian (of a matrix backend): its pattern and coloring, and CSR results. */
export interface PreparedSparseJacobian<X, F, Cs extends readonly Context[]> extends SparsityInfo {
  /** The Jacobian at x as a `SparseMatrix` of the prepared pattern. */
  jacobian(x: InputLike<X>, ...contexts: Cs): SparseMatrix;
  /** [f(x), the sparse Jacobian at x]. */
  valueAndJacobian(x: InputLike<X>, ...contexts: Cs): [OutputOf<F>, SparseMatrix];
  /** Writes J into `out`, a result of an earlier call of this preparation, and returns it. */
  jacobianInto(out: SparseMatrix, x: InputLike<X>, ...contexts: Cs): SparseMatrix;
  /** [f(x), the sparse Jacobian], written into `out`. */
  valueAndJacobianInto(out: SparseMatrix, x: InputLike<X>, ...contexts: Cs): [OutputOf<F>, SparseMatrix];
}

/** The prepared Jacobian for a backend: sparse for a matrix backend, dense otherwise. */
export type PreparedJacobianFor<
  X,
  F,
  Cs extends readonly Context[],
  B extends AnyBackend,
> = B extends MatrixBackend ? PreparedSparseJacobian<X, F, Cs> : PreparedJacobian<X, F, Cs>;

/** What `jacobian` returns for a backend: a `SparseMatrix` for a matrix backend, else an NDArray. */
export type JacobianOf<X, Cs extends readonly Context[], B extends AnyBackend> = B extends MatrixBackend
  ? SparseMatrix
  : Out<X, Cs, NDArray>;

/**
 * Prepares the Jacobian: an NDArray [output size, input size] over the flattened pytrees, or a
 * `SparseMatrix` for a matrix backend such as `sparse(forward())`, which plans here (detects the
 * sparsity pattern and colors it, leaving f's buffers as they were).
 */
export function prepareJacobian<
  X extends Tree,
  Cs extends readonly Context[],
  F extends AnyFn<X, Cs>,
  B extends AnyBackend = Backend,
>(f: F, backend: B, x: X, ...contexts: Cs): PreparedJacobianFor<X, F, Cs, B>;
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function prepareJacobian<
  X,
  Cs extends readonly Context[],
  F extends AnyFn<X, Cs>,
  B extends AnyBackend = Backend,
>(f: F, backend: B, x: X & ValidTree<X>, ...contexts: Cs): PreparedJacobianFor<X, F, Cs, B>;
export function prepareJacobian<
  X,
  Cs extends readonly Context[],
  F extends AnyFn<X, Cs>,
  B extends AnyBackend = Backend,
>(f: F, backend: B, x: X & ValidTree<X>, ...contexts: Cs): PreparedJacobianFor<X, F, Cs, B> {
  const prep = new Preparation('jacobian', f, backend, x, contexts, { inPlace: true });
  if (backend.kind === 'matrix') {
    const { info, compute } = planMatrix(prep, backend, 'jacobian', x, contexts);
    const sparse: PreparedSparseJacobian<X, F, Cs> = {
      ...info,
      jacobian: (x, ...c) => resultSparse(compute(x, c).matrix),
      valueAndJacobian: (x, ...c) => {
        const r = compute(x, c);
        return [resultTree(prep.yDef!, r.ys), resultSparse(r.matrix)];
      },
      jacobianInto: (out, x, ...c) => {
        writeSparseInto(out, compute(x, c).matrix);
        return out;
      },
      valueAndJacobianInto: (out, x, ...c) => {
        const r = compute(x, c);
        writeSparseInto(out, r.matrix);
        return [resultTree(prep.yDef!, r.ys), out];
      },
    };
    return sparse as PreparedJacobianFor<X, F, Cs, B>;
  }
  const engine = firstOrder(backend);
  const compute = (x: unknown, contexts: Cs) => {
    const xs = prep.check(x, contexts);
    return prep.run(contexts, (fn) => jacobianValues(engine, fn, xs, prep.key));
  };
  const dense: PreparedJacobian<X, F, Cs> = {
    jacobian: (x, ...c) => resultMatrix(compute(x, c).jacobian) as Out<X, Cs, NDArray>,
    valueAndJacobian: (x, ...c) => {
      const r = compute(x, c);
      return [resultTree(prep.yDef!, r.ys), resultMatrix(r.jacobian)] as Out<X, Cs, [OutputOf<F>, NDArray]>;
    },
    jacobianInto: (out, x, ...c) => {
      writeMatrixInto(out, compute(x, c).jacobian);
      return out;
    },
    valueAndJacobianInto: (out, x, ...c) => {
      const r = compute(x, c);
      writeMatrixInto(out, r.jacobian);
      return [resultTree(prep.yDef!, r.ys), out];
    },
  };
  return dense as PreparedJacobianFor<X, F, Cs, B>;
}

/** Either kind of prepared Jacobian, for the one-shot functions (which type their result by B). */
interface AnyPrepared<Cs extends readonly Context[]> {
  jacobian(x: unknown, ...contexts: Cs): unknown;
  valueAndJacobian(x: unknown, ...contexts: Cs): unknown;
  jacobianInto(out: never, x: unknown, ...contexts: Cs): unknown;
}

function prepared<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>, B extends AnyBackend>(
  f: F,
  backend: B,
  x: X & ValidTree<X>,
  contexts: Cs,
): AnyPrepared<Cs> {
  return prepareJacobian<X, Cs, F, B>(f, backend, x, ...contexts) as AnyPrepared<Cs>;
}

/** J(x) as an NDArray [output size, input size] over the flattened pytrees (a `SparseMatrix` for a matrix backend). */
export function jacobian<
  X extends Tree,
  Cs extends readonly Context[],
  F extends AnyFn<X, Cs>,
  B extends AnyBackend,
>(f: F, backend: B, x: X, ...contexts: Cs): JacobianOf<X, Cs, B>;
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function jacobian<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>, B extends AnyBackend>(
  f: F,
  backend: B,
  x: X & ValidTree<X>,
  ...contexts: Cs
): JacobianOf<X, Cs, B>;
export function jacobian<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>, B extends AnyBackend>(
  f: F,
  backend: B,
  x: X & ValidTree<X>,
  ...contexts: Cs
): JacobianOf<X, Cs, B> {
  return prepared<X, Cs, F, B>(f, backend, x, contexts).jacobian(x, ...contexts) as JacobianOf<X, Cs, B>;
}

/** [f(x), J(x)]. */
export function valueAndJacobian<
  X extends Tree,
  Cs extends readonly Context[],
  F extends AnyFn<X, Cs>,
  B extends AnyBackend,
>(
  f: F,
  backend: B,
  x: X,
  ...contexts: Cs
): B extends MatrixBackend ? [OutputOf<F>, SparseMatrix] : Out<X, Cs, [OutputOf<F>, NDArray]>;
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function valueAndJacobian<
  X,
  Cs extends readonly Context[],
  F extends AnyFn<X, Cs>,
  B extends AnyBackend,
>(
  f: F,
  backend: B,
  x: X & ValidTree<X>,
  ...contexts: Cs
): B extends MatrixBackend ? [OutputOf<F>, SparseMatrix] : Out<X, Cs, [OutputOf<F>, NDArray]>;
export function valueAndJacobian<
  X,
  Cs extends readonly Context[],
  F extends AnyFn<X, Cs>,
  B extends AnyBackend,
>(
  f: F,
  backend: B,
  x: X & ValidTree<X>,
  ...contexts: Cs
): B extends MatrixBackend ? [OutputOf<F>, SparseMatrix] : Out<X, Cs, [OutputOf<F>, NDArray]> {
  return prepared<X, Cs, F, B>(f, backend, x, contexts).valueAndJacobian(x, ...contexts) as never;
}

/** Writes J(x) into `out` (an NDArray [output size, input size], or an earlier sparse result) and returns it. */
export function jacobianInto<
  X extends Tree,
  Cs extends readonly Context[],
  F extends AnyFn<X, Cs>,
  B extends AnyBackend,
>(
  out: B extends MatrixBackend ? SparseMatrix : NDArray,
  f: F,
  backend: B,
  x: X,
  ...contexts: Cs
): B extends MatrixBackend ? SparseMatrix : NDArray;
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function jacobianInto<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>, B extends AnyBackend>(
  out: B extends MatrixBackend ? SparseMatrix : NDArray,
  f: F,
  backend: B,
  x: X & ValidTree<X>,
  ...contexts: Cs
): B extends MatrixBackend ? SparseMatrix : NDArray;
export function jacobianInto<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>, B extends AnyBackend>(
  out: B extends MatrixBackend ? SparseMatrix : NDArray,
  f: F,
  backend: B,
  x: X & ValidTree<X>,
  ...contexts: Cs
): B extends MatrixBackend ? SparseMatrix : NDArray {
  return prepared<X, Cs, F, B>(f, backend, x, contexts).jacobianInto(out as never, x, ...contexts) as never;
}
