import type { Context } from '../context.js';
import type { Backend } from '../engine.js';
import type { Value } from '../trace.js';
import type { NDArray } from '../values.js';
import { hessianValues } from './derived.js';
import { Preparation, resultMatrix, resultTree, writeMatrixInto } from './prepare.js';
import { type Fn, type InputLike, type Out, type ValidTree, type Widen, scalarResult } from './types.js';

export interface PreparedHessian<X, Cs extends readonly Context[]> {
  hessian(x: InputLike<X>, ...contexts: Cs): Out<X, Cs, NDArray>;
  valueGradientAndHessian(x: InputLike<X>, ...contexts: Cs): Out<X, Cs, [number, Widen<X>, NDArray]>;
  /** Writes H into `out` ([n, n]) and returns it. */
  hessianInto(out: NDArray, x: InputLike<X>, ...contexts: Cs): NDArray;
}

/**
 * Prepares the Hessian [n, n] of a scalar f over the flattened x. A plain backend is paired
 * with itself; `secondOrder(outer, inner)` picks the pair.
 */
export function prepareHessian<X, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: Backend,
  x: X & ValidTree<X>,
  ...contexts: Cs
): PreparedHessian<X, Cs> {
  const prep = new Preparation('hessian', f, backend, x, contexts);
  const compute = (x: unknown, contexts: Cs) => {
    const xs = prep.check(x, contexts);
    return prep.run(contexts, (fn) => hessianValues(backend, fn, xs, prep.key));
  };
  return {
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
}

/** ∇²f(x) as an NDArray [n, n] over the flattened x. */
export function hessian<X, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: Backend,
  x: X & ValidTree<X>,
  ...contexts: Cs
): Out<X, Cs, NDArray> {
  return prepareHessian<X, Cs>(f, backend, x, ...contexts).hessian(x, ...contexts);
}

/** [f(x), ∇f(x), ∇²f(x)]. */
export function valueGradientAndHessian<X, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: Backend,
  x: X & ValidTree<X>,
  ...contexts: Cs
): Out<X, Cs, [number, Widen<X>, NDArray]> {
  return prepareHessian<X, Cs>(f, backend, x, ...contexts).valueGradientAndHessian(x, ...contexts);
}

export function hessianInto<X, Cs extends readonly Context[]>(
  out: NDArray,
  f: Fn<X, Cs, Value>,
  backend: Backend,
  x: X & ValidTree<X>,
  ...contexts: Cs
): NDArray {
  return prepareHessian(f, backend, x, ...contexts).hessianInto(out, x, ...contexts);
}
