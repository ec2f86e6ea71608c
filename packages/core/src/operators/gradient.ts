import type { Context } from '../context.js';
import type { AnyBackend, LeafFn } from '../engine.js';
import type { Tree } from '../pytree.js';
import type { Value } from '../trace.js';
import { gradientValues } from './derived.js';
import { Preparation, callContexts, resultTree, writeInto } from './prepare.js';
import {
  type Fn,
  type InputLike,
  type Out,
  type ValidTree,
  type Widen,
  firstOrder,
  scalarResult,
} from './types.js';

/**
 * A prepared gradient: `prepareGradient(f, backend, x, ...contexts)` checked its arguments once and allocated what the engine
 * needs. Each call checks that x and the contexts match the prepared ones (same structure, shapes
 * and context kinds), else it throws a `PreparationMismatchError` listing each argument.
 */
export interface PreparedGradient<X, Cs extends readonly Context[]> {
  /** ∇f(x), with the structure of x. */
  gradient(x: InputLike<X>, ...contexts: Cs): Out<X, Cs, Widen<X>>;
  /** [f(x), ∇f(x)]. */
  valueAndGradient(x: InputLike<X>, ...contexts: Cs): Out<X, Cs, [number, Widen<X>]>;
  /** Writes the gradient into `out` (same structure as x) and returns it. */
  gradientInto(out: InputLike<X>, x: InputLike<X>, ...contexts: Cs): Widen<X>;
  /** [f(x), ∇f(x)], the gradient written into `out` (shaped like x). */
  valueAndGradientInto(out: InputLike<X>, x: InputLike<X>, ...contexts: Cs): [number, Widen<X>];
}

/** Prepares ∇f at inputs like x: f must return a scalar; the gradient has the structure of x. */
export function prepareGradient<X extends Tree, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X,
  ...contexts: Cs
): PreparedGradient<X, Cs>;
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function prepareGradient<X, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  ...contexts: Cs
): PreparedGradient<X, Cs>;
export function prepareGradient<X, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  ...contexts: Cs
): PreparedGradient<X, Cs> {
  const prep = new Preparation('gradient', f, backend, x, contexts);
  const engine = firstOrder(backend);
  const replayer = prep.replayer('gradient');
  const key = prep.key;
  /** A replayed call's value and gradient leaves, overwritten by the next: read before the call returns. */
  const replayed: { y: Value; gradient: readonly Value[] } = { y: 0, gradient: [] };
  const body = (fn: LeafFn, xs: readonly Value[]) => gradientValues(engine, fn, xs, key);
  const compute = (x: unknown, contexts: readonly unknown[]): { y: Value; gradient: readonly Value[] } => {
    if (replayer !== null) {
      const leaves = prep.match(x, contexts);
      const r = leaves === null ? null : replayer.call(leaves, contexts as Cs);
      if (r !== null) {
        replayed.y = r.ys[0]!;
        replayed.gradient = r.d;
        return replayed;
      }
    }
    return prep.run(contexts, body, prep.check(x, contexts));
  };
  // The contexts are read from `arguments` (see `callContexts`); the rest parameters only type
  // them, and as they are never read no list is made for them.
  /* biome-ignore-start lint/complexity/noArguments: a call without contexts allocates no list */
  const prepared: PreparedGradient<X, Cs> = {
    gradient(x, ..._contexts) {
      return resultTree(prep.xDef, compute(x, callContexts(arguments, 1)).gradient);
    },
    valueAndGradient(x, ..._contexts) {
      const r = compute(x, callContexts(arguments, 1));
      return [scalarResult(r.y), resultTree(prep.xDef, r.gradient)] as Out<X, Cs, [number, Widen<X>]>;
    },
    gradientInto(out, x, ..._contexts) {
      writeInto(out, prep.xDef, compute(x, callContexts(arguments, 2)).gradient);
      return out as Widen<X>;
    },
    valueAndGradientInto(out, x, ..._contexts) {
      const r = compute(x, callContexts(arguments, 2));
      const y = r.y;
      writeInto(out, prep.xDef, r.gradient);
      return [scalarResult(y), out as Widen<X>];
    },
  };
  /* biome-ignore-end lint/complexity/noArguments: a call without contexts allocates no list */
  return prepared;
}

/** ∇f(x): f returns a scalar; the result has the structure (and TypeScript type) of x. */
export function gradient<X extends Tree, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X,
  ...contexts: Cs
): Out<X, Cs, Widen<X>>;
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function gradient<X, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  ...contexts: Cs
): Out<X, Cs, Widen<X>>;
export function gradient<X, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  ...contexts: Cs
): Out<X, Cs, Widen<X>> {
  return prepareGradient<X, Cs>(f, backend, x, ...contexts).gradient(x, ...contexts);
}

/** [f(x), ∇f(x)]. */
export function valueAndGradient<X extends Tree, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X,
  ...contexts: Cs
): Out<X, Cs, [number, Widen<X>]>;
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function valueAndGradient<X, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  ...contexts: Cs
): Out<X, Cs, [number, Widen<X>]>;
export function valueAndGradient<X, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  ...contexts: Cs
): Out<X, Cs, [number, Widen<X>]> {
  return prepareGradient<X, Cs>(f, backend, x, ...contexts).valueAndGradient(x, ...contexts);
}

/** Writes ∇f(x) into `out` (same structure as x) and returns it. */
export function gradientInto<X extends Tree, Cs extends readonly Context[]>(
  out: X,
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X,
  ...contexts: Cs
): Widen<X>;
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function gradientInto<X, Cs extends readonly Context[]>(
  out: X,
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  ...contexts: Cs
): Widen<X>;
export function gradientInto<X, Cs extends readonly Context[]>(
  out: X,
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  ...contexts: Cs
): Widen<X> {
  return prepareGradient<X, Cs>(f, backend, x, ...contexts).gradientInto(out, x, ...contexts);
}

/** [f(x), ∇f(x)], the gradient written into `out` (shaped like x). */
export function valueAndGradientInto<X extends Tree, Cs extends readonly Context[]>(
  out: X,
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X,
  ...contexts: Cs
): [number, Widen<X>];
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function valueAndGradientInto<X, Cs extends readonly Context[]>(
  out: X,
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  ...contexts: Cs
): [number, Widen<X>];
export function valueAndGradientInto<X, Cs extends readonly Context[]>(
  out: X,
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  ...contexts: Cs
): [number, Widen<X>] {
  return prepareGradient<X, Cs>(f, backend, x, ...contexts).valueAndGradientInto(out, x, ...contexts);
}
