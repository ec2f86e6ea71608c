/**
 * A generic optimiser, as a library would publish it: it never depends on an engine, takes the
 * caller's `backend`, and works on parameters of any pytree type X, returning the same type.
 * Gradient descent with a backtracking (Armijo) line search.
 */
import {
  type Backend,
  type Fn,
  flatten,
  type NDArray,
  type Tree,
  unflatten,
  valueAndGradient,
} from '@diffint/core';
import type { Value } from '@diffint/core/math';

/** What `minimise` returns: the parameters (of the caller's type), the value there and the steps taken. */
export interface Minimum<X> {
  readonly x: X;
  readonly value: number;
  readonly steps: number;
}

/** The leaves of a plain pytree as one flat array of numbers (numbers, Float64Arrays, NDArrays). */
function numbers(leaves: readonly Value[]): Float64Array {
  const parts = leaves.map((l) =>
    typeof l === 'number' ? [l] : Array.from((l as { data?: Float64Array }).data ?? (l as Float64Array)),
  );
  return Float64Array.from(parts.flat());
}

/** Moves x by −t·g, leaf by leaf, keeping the structure and the kind of every leaf. */
function moved<X extends Tree>(x: X, g: Tree, t: number): X {
  const { def, leaves } = flatten(x);
  const gs = flatten(g).leaves;
  const next = leaves.map((leaf, i) => {
    const gi = gs[i]!;
    if (typeof leaf === 'number') return leaf - t * (gi as number);
    const data = numbers([leaf]).map((v, k) => v - t * numbers([gi])[k]!);
    return typeof (leaf as { data?: unknown }).data === 'object'
      ? unflatten({ type: 'leaf', kind: 'ndarray', shape: (leaf as NDArray).shape }, [data])
      : data;
  });
  return unflatten(def, next) as X;
}

/**
 * f(x) and ∇f(x) as a top-level call sees them. Called with a generic X, the operator's result
 * type stays `Out<X, …>`, which is traced values when X holds some (an `X extends Tree` may: a
 * `Tracer` is a `Tree`); an optimiser that is not itself differentiated knows its x is plain.
 */
function evaluate<X extends Tree>(f: Fn<X, [], Value>, backend: Backend, x: X): [number, X] {
  const r: unknown = valueAndGradient(f, backend, x);
  return r as [number, X];
}

/** Minimises f from x0 with the gradient of `backend`; stops when ‖∇f‖ < tolerance. */
export function minimise<X extends Tree>(
  f: Fn<X, [], Value>,
  backend: Backend,
  x0: X,
  { tolerance = 1e-8, maxSteps = 20_000 } = {},
): Minimum<X> {
  let x = x0;
  let [value, g] = evaluate(f, backend, x);
  let t = 1;
  for (let step = 0; step < maxSteps; step++) {
    const gg = numbers(flatten(g).leaves).reduce((s, v) => s + v * v, 0);
    if (Math.sqrt(gg) < tolerance) return { x, value, steps: step };
    // Backtracking: the largest t = 2^-k with f(x − t·g) ≤ f(x) − t·‖g‖²/2.
    t = Math.min(1, 4 * t);
    let candidate = moved(x, g, t);
    let [next, nextG] = evaluate(f, backend, candidate);
    while (next > value - 0.5 * t * gg && t > 1e-16) {
      t /= 2;
      candidate = moved(x, g, t);
      [next, nextG] = evaluate(f, backend, candidate);
    }
    [x, value, g] = [candidate, next, nextG];
  }
  return { x, value, steps: maxSteps };
}
