import type { Context } from '../context.js';
import type { AnyBackend } from '../engine.js';
import { type Tree, flattenLike } from '../pytree.js';
import { pushforwardValues } from './derived.js';
import { Preparation, resultTree, writeInto } from './prepare.js';
import {
  type AnyFn,
  type InputLike,
  type Out,
  type OutputOf,
  type ValidTree,
  checkSeeds,
  firstOrder,
} from './types.js';

/**
 * A prepared pushforward: `preparePushforward(f, backend, x, tangents, ...contexts)` checked its arguments once and allocated what the engine
 * needs. Each call checks that x and the contexts match the prepared ones (same structure, shapes
 * and context kinds), else it throws a `PreparationMismatchError` listing each argument.
 */
export interface PreparedPushforward<X, F, Cs extends readonly Context[]> {
  /** J·t for each tangent t (shaped like x), each shaped like f's output. */
  pushforward(x: InputLike<X>, tangents: readonly InputLike<X>[], ...contexts: Cs): Out<X, Cs, OutputOf<F>[]>;
  /** [f(x), J·t for each tangent]. */
  valueAndPushforward(
    x: InputLike<X>,
    tangents: readonly InputLike<X>[],
    ...contexts: Cs
  ): Out<X, Cs, [OutputOf<F>, OutputOf<F>[]]>;
  /** Writes J·tᵢ into `outs[i]` and returns `outs`. */
  pushforwardInto(
    outs: OutputOf<F>[],
    x: InputLike<X>,
    tangents: readonly InputLike<X>[],
    ...contexts: Cs
  ): OutputOf<F>[];
  /** [f(x), J·t for each tangent], written into `outs`. */
  valueAndPushforwardInto(
    outs: OutputOf<F>[],
    x: InputLike<X>,
    tangents: readonly InputLike<X>[],
    ...contexts: Cs
  ): [OutputOf<F>, OutputOf<F>[]];
}

/** Prepares Jacobian-vector products J(x)·t for a batch of tangents t (each shaped like x). */
export function preparePushforward<X extends Tree, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  f: F,
  backend: AnyBackend,
  x: X,
  tangents: readonly X[],
  ...contexts: Cs
): PreparedPushforward<X, F, Cs>;
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function preparePushforward<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  f: F,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  tangents: readonly X[],
  ...contexts: Cs
): PreparedPushforward<X, F, Cs>;
export function preparePushforward<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  f: F,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  tangents: readonly X[],
  ...contexts: Cs
): PreparedPushforward<X, F, Cs> {
  const prep = new Preparation('pushforward', f, backend, x, contexts, { inPlace: true });
  checkSeeds('pushforward', tangents, 'tangents');
  const engine = firstOrder(backend);
  const compute = (x: unknown, tangents: readonly unknown[], contexts: Cs) => {
    const xs = prep.check(x, contexts);
    checkSeeds('pushforward', tangents, 'tangents');
    const ts = tangents.map((t, i) => flattenLike(t, prep.xDef, `tangents[${i}]`, 'x'));
    const r = prep.run(contexts, (fn) => pushforwardValues(engine, fn, xs, ts, prep.key));
    return { y: resultTree(prep.yDef!, r.ys), results: r.results };
  };
  const into = (outs: OutputOf<F>[], results: readonly (readonly unknown[])[]) => {
    checkSeeds('pushforwardInto', outs, 'outs');
    results.forEach((r, i) => writeInto(outs[i], prep.yDef!, r as never, `outs[${i}]`));
    return outs;
  };
  return {
    pushforward: (x, t, ...c) =>
      compute(x, t, c).results.map((r) => resultTree(prep.yDef!, r)) as Out<X, Cs, OutputOf<F>[]>,
    valueAndPushforward: (x, t, ...c) => {
      const r = compute(x, t, c);
      return [r.y, r.results.map((d) => resultTree(prep.yDef!, d))] as Out<
        X,
        Cs,
        [OutputOf<F>, OutputOf<F>[]]
      >;
    },
    pushforwardInto: (outs, x, t, ...c) => into(outs, compute(x, t, c).results),
    valueAndPushforwardInto: (outs, x, t, ...c) => {
      const r = compute(x, t, c);
      return [r.y, into(outs, r.results)];
    },
  };
}

/** J(x)·t for each tangent t of the batch (each shaped like x); results shaped like f's output. */
export function pushforward<X extends Tree, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  f: F,
  backend: AnyBackend,
  x: X,
  tangents: readonly X[],
  ...contexts: Cs
): Out<X, Cs, OutputOf<F>[]>;
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function pushforward<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  f: F,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  tangents: readonly X[],
  ...contexts: Cs
): Out<X, Cs, OutputOf<F>[]>;
export function pushforward<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  f: F,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  tangents: readonly X[],
  ...contexts: Cs
): Out<X, Cs, OutputOf<F>[]> {
  return preparePushforward<X, Cs, F>(f, backend, x, tangents, ...contexts).pushforward(
    x,
    tangents,
    ...contexts,
  );
}

/** [f(x), [J(x)·t for each t]]. */
export function valueAndPushforward<X extends Tree, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  f: F,
  backend: AnyBackend,
  x: X,
  tangents: readonly X[],
  ...contexts: Cs
): Out<X, Cs, [OutputOf<F>, OutputOf<F>[]]>;
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function valueAndPushforward<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  f: F,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  tangents: readonly X[],
  ...contexts: Cs
): Out<X, Cs, [OutputOf<F>, OutputOf<F>[]]>;
export function valueAndPushforward<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  f: F,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  tangents: readonly X[],
  ...contexts: Cs
): Out<X, Cs, [OutputOf<F>, OutputOf<F>[]]> {
  return preparePushforward<X, Cs, F>(f, backend, x, tangents, ...contexts).valueAndPushforward(
    x,
    tangents,
    ...contexts,
  );
}

/** Writes J·t for each tangent into `outs` (one per tangent, shaped like f's output). */
export function pushforwardInto<X extends Tree, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  outs: OutputOf<F>[],
  f: F,
  backend: AnyBackend,
  x: X,
  tangents: readonly X[],
  ...contexts: Cs
): OutputOf<F>[];
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function pushforwardInto<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  outs: OutputOf<F>[],
  f: F,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  tangents: readonly X[],
  ...contexts: Cs
): OutputOf<F>[];
export function pushforwardInto<X, Cs extends readonly Context[], F extends AnyFn<X, Cs>>(
  outs: OutputOf<F>[],
  f: F,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  tangents: readonly X[],
  ...contexts: Cs
): OutputOf<F>[] {
  return preparePushforward(f, backend, x, tangents, ...contexts).pushforwardInto(
    outs,
    x,
    tangents,
    ...contexts,
  );
}
