import type { Context } from '../context.js';
import type { AnyBackend } from '../engine.js';
import { type Tree, flattenLike } from '../pytree.js';
import { pullbackValues } from './derived.js';
import { Preparation, resultTree, writeInto } from './prepare.js';
import {
  type AnyFn,
  type InputLike,
  type Out,
  type OutputOf,
  type ValidTree,
  type Widen,
  checkSeeds,
  firstOrder,
} from './types.js';

/**
 * A prepared pullback: `preparePullback(f, backend, x, cotangents, ...contexts)` checked its arguments once and allocated what the engine
 * needs. Each call checks that x and the contexts match the prepared ones (same structure, shapes
 * and context kinds), else it throws a `PreparationMismatchError` listing each argument.
 */
export interface PreparedPullback<X, F, Cs extends readonly Context[]> {
  /** Jᵀ·c for each cotangent c (shaped like f's output), each shaped like x. */
  pullback(x: InputLike<X>, cotangents: readonly OutputOf<F>[], ...contexts: Cs): Out<X, Cs, Widen<X>[]>;
  /** [f(x), Jᵀ·c for each cotangent]. */
  valueAndPullback(
    x: InputLike<X>,
    cotangents: readonly OutputOf<F>[],
    ...contexts: Cs
  ): Out<X, Cs, [OutputOf<F>, Widen<X>[]]>;
  /** Writes J(x)ᵀ·cᵢ into `outs[i]` (each shaped like x) and returns `outs`. */
  pullbackInto(
    outs: InputLike<X>[],
    x: InputLike<X>,
    cotangents: readonly OutputOf<F>[],
    ...contexts: Cs
  ): Widen<X>[];
  /** [f(x), Jᵀ·c for each cotangent], written into `outs`. */
  valueAndPullbackInto(
    outs: InputLike<X>[],
    x: InputLike<X>,
    cotangents: readonly OutputOf<F>[],
    ...contexts: Cs
  ): [OutputOf<F>, Widen<X>[]];
}

/** Prepares vector-Jacobian products J(x)ᵀ·c for a batch of cotangents c (each shaped like f's output). */
export function preparePullback<X extends Tree, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  f: F,
  backend: AnyBackend,
  x: X,
  cotangents: readonly OutputOf<F>[],
  ...contexts: Cs
): PreparedPullback<X, F, Cs>;
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function preparePullback<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  f: F,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  cotangents: readonly OutputOf<F>[],
  ...contexts: Cs
): PreparedPullback<X, F, Cs>;
export function preparePullback<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  f: F,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  cotangents: readonly OutputOf<F>[],
  ...contexts: Cs
): PreparedPullback<X, F, Cs> {
  const prep = new Preparation('pullback', f, backend, x, contexts, { inPlace: true });
  checkSeeds('pullback', cotangents, 'cotangents');
  const engine = firstOrder(backend);
  const compute = (x: unknown, cotangents: readonly OutputOf<F>[], contexts: Cs) => {
    const xs = prep.check(x, contexts);
    checkSeeds('pullback', cotangents, 'cotangents');
    const r = prep.run(contexts, (fn) =>
      pullbackValues(
        engine,
        fn,
        xs,
        () => cotangents.map((c, i) => flattenLike(c, prep.yDef!, `cotangents[${i}]`, "f's output")),
        prep.key,
      ),
    );
    return { y: resultTree(prep.yDef!, r.ys), results: r.results };
  };
  const into = (outs: InputLike<X>[], results: readonly (readonly unknown[])[]) => {
    checkSeeds('pullbackInto', outs, 'outs');
    results.forEach((r, i) => writeInto(outs[i], prep.xDef, r as never, `outs[${i}]`));
    return outs as Widen<X>[];
  };
  return {
    pullback: (x, c, ...ctx) =>
      compute(x, c, ctx).results.map((r) => resultTree(prep.xDef, r)) as Out<X, Cs, Widen<X>[]>,
    valueAndPullback: (x, c, ...ctx) => {
      const r = compute(x, c, ctx);
      return [r.y, r.results.map((d) => resultTree(prep.xDef, d))] as Out<X, Cs, [OutputOf<F>, Widen<X>[]]>;
    },
    pullbackInto: (outs, x, c, ...ctx) => into(outs, compute(x, c, ctx).results),
    valueAndPullbackInto: (outs, x, c, ...ctx) => {
      const r = compute(x, c, ctx);
      return [r.y, into(outs, r.results)];
    },
  };
}

/** J(x)ᵀ·c for each cotangent c of the batch (each shaped like f's output); results shaped like x. */
export function pullback<X extends Tree, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  f: F,
  backend: AnyBackend,
  x: X,
  cotangents: readonly OutputOf<F>[],
  ...contexts: Cs
): Out<X, Cs, Widen<X>[]>;
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function pullback<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  f: F,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  cotangents: readonly OutputOf<F>[],
  ...contexts: Cs
): Out<X, Cs, Widen<X>[]>;
export function pullback<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  f: F,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  cotangents: readonly OutputOf<F>[],
  ...contexts: Cs
): Out<X, Cs, Widen<X>[]> {
  return preparePullback<X, Cs, F>(f, backend, x, cotangents, ...contexts).pullback(
    x,
    cotangents,
    ...contexts,
  );
}

/** [f(x), [J(x)ᵀ·c for each c]]. */
export function valueAndPullback<X extends Tree, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  f: F,
  backend: AnyBackend,
  x: X,
  cotangents: readonly OutputOf<F>[],
  ...contexts: Cs
): Out<X, Cs, [OutputOf<F>, Widen<X>[]]>;
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function valueAndPullback<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  f: F,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  cotangents: readonly OutputOf<F>[],
  ...contexts: Cs
): Out<X, Cs, [OutputOf<F>, Widen<X>[]]>;
export function valueAndPullback<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  f: F,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  cotangents: readonly OutputOf<F>[],
  ...contexts: Cs
): Out<X, Cs, [OutputOf<F>, Widen<X>[]]> {
  return preparePullback<X, Cs, F>(f, backend, x, cotangents, ...contexts).valueAndPullback(
    x,
    cotangents,
    ...contexts,
  );
}

/** Writes Jᵀ·c for each cotangent into `outs` (one per cotangent, shaped like x). */
export function pullbackInto<X extends Tree, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  outs: X[],
  f: F,
  backend: AnyBackend,
  x: X,
  cotangents: readonly OutputOf<F>[],
  ...contexts: Cs
): Widen<X>[];
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function pullbackInto<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  outs: X[],
  f: F,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  cotangents: readonly OutputOf<F>[],
  ...contexts: Cs
): Widen<X>[];
export function pullbackInto<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  outs: X[],
  f: F,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  cotangents: readonly OutputOf<F>[],
  ...contexts: Cs
): Widen<X>[] {
  return preparePullback(f, backend, x, cotangents, ...contexts).pullbackInto(
    outs,
    x,
    cotangents,
    ...contexts,
  );
}
