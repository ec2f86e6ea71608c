import type { Context } from '../context.js';
import type { Tree } from '../pytree.js';
import type { AnyBackend, Backend, MatrixBackend } from '../engine.js';
import type { SparseMatrix } from '../sparse-matrix.js';
import type { Value } from '../trace.js';
import type { NDArray } from '../values.js';
import { hessianValues } from './derived.js';
import { type SparsityInfo, planMatrix, resultSparse, writeSparseInto } from './matrix.js';
import { Preparation, resultMatrix, resultTree, writeMatrixInto } from './prepare.js';
import { type Fn, type InputLike, type Out, type ValidTree, type Widen, scalarResult } from './types.js';

/**
 * A prepared Hessian: `prepareHessian(f, backend, x, ...contexts)` checked its arguments once and allocated what the engine
 * needs. Each call checks that x and the contexts match the prepared ones (same structure, shapes
 * and context kinds), else it throws a `PreparationMismatchError` listing each argument.
 */
export interface PreparedHessian<X, Cs extends readonly Context[]> {
  /** The Hessian of the scalar f at x: an `NDArray` [n, n] over the flattened x. */
  hessian(x: InputLike<X>, ...contexts: Cs): Out<X, Cs, NDArray>;
  /** [f(x), ∇f(x), the Hessian at x]. */
  valueGradientAndHessian(x: InputLike<X>, ...contexts: Cs): Out<X, Cs, [number, Widen<X>, NDArray]>;
  /** Writes H into `out` ([n, n]) and returns it. */
  hessianInto(out: NDArray, x: InputLike<X>, ...contexts: Cs): NDArray;
}

/** A prepared sparse Hessian (of a matrix backend): its pattern and star coloring, and CSR results. */
export interface PreparedSparseHessian<X, Cs extends readonly Context[]> extends SparsityInfo {
  /** The Hessian at x as a `SparseMatrix` of the prepared pattern. */
  hessian(x: InputLike<X>, ...contexts: Cs): SparseMatrix;
  /** [f(x), ∇f(x), the sparse Hessian at x]. */
  valueGradientAndHessian(x: InputLike<X>, ...contexts: Cs): [number, Widen<X>, SparseMatrix];
  /** Writes H into `out`, a result of an earlier call of this preparation, and returns it. */
  hessianInto(out: SparseMatrix, x: InputLike<X>, ...contexts: Cs): SparseMatrix;
}

/** The prepared Hessian for a backend: sparse for a matrix backend, dense otherwise. */
export type PreparedHessianFor<
  X,
  Cs extends readonly Context[],
  B extends AnyBackend,
> = B extends MatrixBackend ? PreparedSparseHessian<X, Cs> : PreparedHessian<X, Cs>;

/**
 * Prepares the Hessian [n, n] of a scalar f over the flattened x. A plain backend is paired
 * with itself; `secondOrder(outer, inner)` picks the pair; a matrix backend such as
 * `sparse(secondOrder(forward(), tape()))` plans here and returns `SparseMatrix` results.
 */
export function prepareHessian<X extends Tree, Cs extends readonly Context[], B extends AnyBackend = Backend>(
  f: Fn<X, Cs, Value>,
  backend: B,
  x: X,
  ...contexts: Cs
): PreparedHessianFor<X, Cs, B>;
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function prepareHessian<X, Cs extends readonly Context[], B extends AnyBackend = Backend>(
  f: Fn<X, Cs, Value>,
  backend: B,
  x: X & ValidTree<X>,
  ...contexts: Cs
): PreparedHessianFor<X, Cs, B>;
export function prepareHessian<X, Cs extends readonly Context[], B extends AnyBackend = Backend>(
  f: Fn<X, Cs, Value>,
  backend: B,
  x: X & ValidTree<X>,
  ...contexts: Cs
): PreparedHessianFor<X, Cs, B> {
  const prep = new Preparation('hessian', f, backend, x, contexts);
  if (backend.kind === 'matrix') {
    const { info, compute } = planMatrix(prep, backend, 'hessian', x, contexts);
    const sparse: PreparedSparseHessian<X, Cs> = {
      ...info,
      hessian: (x, ...c) => resultSparse(compute(x, c).matrix),
      valueGradientAndHessian: (x, ...c) => {
        const r = compute(x, c);
        return [scalarResult(r.ys[0]!), resultTree(prep.xDef, r.gradient!), resultSparse(r.matrix)];
      },
      hessianInto: (out, x, ...c) => {
        writeSparseInto(out, compute(x, c).matrix);
        return out;
      },
    };
    return sparse as PreparedHessianFor<X, Cs, B>;
  }
  const dense = backend as Backend;
  const compute = (x: unknown, contexts: Cs) => {
    const xs = prep.check(x, contexts);
    return prep.run(contexts, (fn) => hessianValues(dense, fn, xs, prep.key));
  };
  const prepared: PreparedHessian<X, Cs> = {
    hessian: (x, ...c) => resultMatrix(compute(x, c).hessian) as Out<X, Cs, NDArray>,
    valueGradientAndHessian: (x, ...c) => {
      const r = compute(x, c);
      return [scalarResult(r.y), resultTree(prep.xDef, r.gradient), resultMatrix(r.hessian)] as Out<
        X,
        Cs,
        [number, Widen<X>, NDArray]
      >;
    },
    hessianInto: (out, x, ...c) => {
      writeMatrixInto(out, compute(x, c).hessian);
      return out;
    },
  };
  return prepared as PreparedHessianFor<X, Cs, B>;
}

/** Either kind of prepared Hessian, for the one-shot functions (which type their result by B). */
interface AnyPrepared<Cs extends readonly Context[]> {
  hessian(x: unknown, ...contexts: Cs): unknown;
  valueGradientAndHessian(x: unknown, ...contexts: Cs): unknown;
  hessianInto(out: never, x: unknown, ...contexts: Cs): unknown;
}

function prepared<X, Cs extends readonly Context[], B extends AnyBackend>(
  f: Fn<X, Cs, Value>,
  backend: B,
  x: X & ValidTree<X>,
  contexts: Cs,
): AnyPrepared<Cs> {
  return prepareHessian<X, Cs, B>(f, backend, x, ...contexts) as AnyPrepared<Cs>;
}

/** ∇²f(x) as an NDArray [n, n] over the flattened x (a `SparseMatrix` for a matrix backend). */
export function hessian<X extends Tree, Cs extends readonly Context[], B extends AnyBackend>(
  f: Fn<X, Cs, Value>,
  backend: B,
  x: X,
  ...contexts: Cs
): B extends MatrixBackend ? SparseMatrix : Out<X, Cs, NDArray>;
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function hessian<X, Cs extends readonly Context[], B extends AnyBackend>(
  f: Fn<X, Cs, Value>,
  backend: B,
  x: X & ValidTree<X>,
  ...contexts: Cs
): B extends MatrixBackend ? SparseMatrix : Out<X, Cs, NDArray>;
export function hessian<X, Cs extends readonly Context[], B extends AnyBackend>(
  f: Fn<X, Cs, Value>,
  backend: B,
  x: X & ValidTree<X>,
  ...contexts: Cs
): B extends MatrixBackend ? SparseMatrix : Out<X, Cs, NDArray> {
  return prepared<X, Cs, B>(f, backend, x, contexts).hessian(x, ...contexts) as never;
}

/** [f(x), ∇f(x), ∇²f(x)]. */
export function valueGradientAndHessian<X extends Tree, Cs extends readonly Context[], B extends AnyBackend>(
  f: Fn<X, Cs, Value>,
  backend: B,
  x: X,
  ...contexts: Cs
): B extends MatrixBackend ? [number, Widen<X>, SparseMatrix] : Out<X, Cs, [number, Widen<X>, NDArray]>;
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function valueGradientAndHessian<X, Cs extends readonly Context[], B extends AnyBackend>(
  f: Fn<X, Cs, Value>,
  backend: B,
  x: X & ValidTree<X>,
  ...contexts: Cs
): B extends MatrixBackend ? [number, Widen<X>, SparseMatrix] : Out<X, Cs, [number, Widen<X>, NDArray]>;
export function valueGradientAndHessian<X, Cs extends readonly Context[], B extends AnyBackend>(
  f: Fn<X, Cs, Value>,
  backend: B,
  x: X & ValidTree<X>,
  ...contexts: Cs
): B extends MatrixBackend ? [number, Widen<X>, SparseMatrix] : Out<X, Cs, [number, Widen<X>, NDArray]> {
  return prepared<X, Cs, B>(f, backend, x, contexts).valueGradientAndHessian(x, ...contexts) as never;
}

/** Writes ∇²f(x) into `out` (an NDArray [n, n], or an earlier sparse result) and returns it. */
export function hessianInto<X extends Tree, Cs extends readonly Context[], B extends AnyBackend>(
  out: B extends MatrixBackend ? SparseMatrix : NDArray,
  f: Fn<X, Cs, Value>,
  backend: B,
  x: X,
  ...contexts: Cs
): B extends MatrixBackend ? SparseMatrix : NDArray;
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function hessianInto<X, Cs extends readonly Context[], B extends AnyBackend>(
  out: B extends MatrixBackend ? SparseMatrix : NDArray,
  f: Fn<X, Cs, Value>,
  backend: B,
  x: X & ValidTree<X>,
  ...contexts: Cs
): B extends MatrixBackend ? SparseMatrix : NDArray;
export function hessianInto<X, Cs extends readonly Context[], B extends AnyBackend>(
  out: B extends MatrixBackend ? SparseMatrix : NDArray,
  f: Fn<X, Cs, Value>,
  backend: B,
  x: X & ValidTree<X>,
  ...contexts: Cs
): B extends MatrixBackend ? SparseMatrix : NDArray {
  return prepared<X, Cs, B>(f, backend, x, contexts).hessianInto(out as never, x, ...contexts) as never;
}
