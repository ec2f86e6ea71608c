import type { Context } from '../context.js';
import type { Backend } from '../engine.js';
import type { NDArray } from '../values.js';
import { jacobianValues } from './derived.js';
import { Preparation, resultMatrix, resultTree, writeMatrixInto } from './prepare.js';
import { type AnyFn, type InputLike, type Out, type OutputOf, type ValidTree, firstOrder } from './types.js';

export interface PreparedJacobian<X, F, Cs extends readonly Context[]> {
  jacobian(x: InputLike<X>, ...contexts: Cs): Out<X, Cs, NDArray>;
  valueAndJacobian(x: InputLike<X>, ...contexts: Cs): Out<X, Cs, [OutputOf<F>, NDArray]>;
  /** Writes J into `out` ([output size, input size]) and returns it. */
  jacobianInto(out: NDArray, x: InputLike<X>, ...contexts: Cs): NDArray;
  valueAndJacobianInto(out: NDArray, x: InputLike<X>, ...contexts: Cs): [OutputOf<F>, NDArray];
}

/** Prepares the Jacobian: an NDArray [output size, input size] over the flattened pytrees. */
export function prepareJacobian<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  f: F,
  backend: Backend,
  x: X & ValidTree<X>,
  ...contexts: Cs
): PreparedJacobian<X, F, Cs> {
  const prep = new Preparation('jacobian', f, backend, x, contexts, { inPlace: true });
  const engine = firstOrder(backend);
  const compute = (x: unknown, contexts: Cs) => {
    const xs = prep.check(x, contexts);
    return prep.run(contexts, (fn) => jacobianValues(engine, fn, xs, prep.key));
  };
  return {
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
}

/** J(x) as an NDArray [output size, input size] over the flattened pytrees. */
export function jacobian<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  f: F,
  backend: Backend,
  x: X & ValidTree<X>,
  ...contexts: Cs
): Out<X, Cs, NDArray> {
  return prepareJacobian<X, Cs, F>(f, backend, x, ...contexts).jacobian(x, ...contexts);
}

/** [f(x), J(x)]. */
export function valueAndJacobian<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  f: F,
  backend: Backend,
  x: X & ValidTree<X>,
  ...contexts: Cs
): Out<X, Cs, [OutputOf<F>, NDArray]> {
  return prepareJacobian<X, Cs, F>(f, backend, x, ...contexts).valueAndJacobian(x, ...contexts);
}

export function jacobianInto<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  out: NDArray,
  f: F,
  backend: Backend,
  x: X & ValidTree<X>,
  ...contexts: Cs
): NDArray {
  return prepareJacobian(f, backend, x, ...contexts).jacobianInto(out, x, ...contexts);
}
