import type { Context } from '../context.js';
import type { AnyBackend } from '../engine.js';
import { type Tree, flattenLike } from '../pytree.js';
import type { Value } from '../trace.js';
import { hvpValues } from './derived.js';
import { Preparation, resultTree, writeInto } from './prepare.js';
import { type Fn, type InputLike, type Out, type ValidTree, type Widen, checkSeeds } from './types.js';

/**
 * A prepared Hessian-vector product: `prepareHvp(f, backend, x, tangents, ...contexts)` checked its arguments once and allocated what the engine
 * needs. Each call checks that x and the contexts match the prepared ones (same structure, shapes
 * and context kinds), else it throws a `PreparationMismatchError` listing each argument.
 */
export interface PreparedHvp<X, Cs extends readonly Context[]> {
  /** H·t for each tangent t, each shaped like x. */
  hvp(x: InputLike<X>, tangents: readonly InputLike<X>[], ...contexts: Cs): Out<X, Cs, Widen<X>[]>;
  /** [∇f(x), H·t for each tangent]. */
  gradientAndHvp(
    x: InputLike<X>,
    tangents: readonly InputLike<X>[],
    ...contexts: Cs
  ): Out<X, Cs, [Widen<X>, Widen<X>[]]>;
  /** Writes H·tᵢ into `outs[i]` and returns `outs`. */
  hvpInto(
    outs: InputLike<X>[],
    x: InputLike<X>,
    tangents: readonly InputLike<X>[],
    ...contexts: Cs
  ): Widen<X>[];
}

/** Prepares Hessian-vector products H(x)·t for a batch of tangents (forward-over-reverse where possible). */
export function prepareHvp<X extends Tree, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X,
  tangents: readonly X[],
  ...contexts: Cs
): PreparedHvp<X, Cs>;
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function prepareHvp<X, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  tangents: readonly X[],
  ...contexts: Cs
): PreparedHvp<X, Cs>;
export function prepareHvp<X, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  tangents: readonly X[],
  ...contexts: Cs
): PreparedHvp<X, Cs> {
  const prep = new Preparation('hvp', f, backend, x, contexts);
  checkSeeds('hvp', tangents, 'tangents');
  const compute = (x: unknown, tangents: readonly unknown[], contexts: Cs, readPrimals = false) => {
    const xs = prep.check(x, contexts);
    checkSeeds('hvp', tangents, 'tangents');
    const ts = tangents.map((t, i) => flattenLike(t, prep.xDef, `tangents[${i}]`, 'x'));
    return prep.run(contexts, (fn) => hvpValues(backend, fn, xs, ts, prep.key, readPrimals));
  };
  return {
    hvp: (x, t, ...c) =>
      compute(x, t, c).results.map((r) => resultTree(prep.xDef, r)) as Out<X, Cs, Widen<X>[]>,
    gradientAndHvp: (x, t, ...c) => {
      const r = compute(x, t, c, true);
      return [resultTree(prep.xDef, r.gradient), r.results.map((d) => resultTree(prep.xDef, d))] as Out<
        X,
        Cs,
        [Widen<X>, Widen<X>[]]
      >;
    },
    hvpInto: (outs, x, t, ...c) => {
      checkSeeds('hvpInto', outs, 'outs');
      compute(x, t, c).results.forEach((r, i) => writeInto(outs[i], prep.xDef, r, `outs[${i}]`));
      return outs as Widen<X>[];
    },
  };
}

/** H(x)·t for each tangent t of the batch (each shaped like x). */
export function hvp<X extends Tree, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X,
  tangents: readonly X[],
  ...contexts: Cs
): Out<X, Cs, Widen<X>[]>;
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function hvp<X, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  tangents: readonly X[],
  ...contexts: Cs
): Out<X, Cs, Widen<X>[]>;
export function hvp<X, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  tangents: readonly X[],
  ...contexts: Cs
): Out<X, Cs, Widen<X>[]> {
  return prepareHvp<X, Cs>(f, backend, x, tangents, ...contexts).hvp(x, tangents, ...contexts);
}

/** [∇f(x), [H(x)·t for each t]]. */
export function gradientAndHvp<X extends Tree, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X,
  tangents: readonly X[],
  ...contexts: Cs
): Out<X, Cs, [Widen<X>, Widen<X>[]]>;
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function gradientAndHvp<X, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  tangents: readonly X[],
  ...contexts: Cs
): Out<X, Cs, [Widen<X>, Widen<X>[]]>;
export function gradientAndHvp<X, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  tangents: readonly X[],
  ...contexts: Cs
): Out<X, Cs, [Widen<X>, Widen<X>[]]> {
  return prepareHvp<X, Cs>(f, backend, x, tangents, ...contexts).gradientAndHvp(x, tangents, ...contexts);
}

/** Writes H·t for each tangent into `outs` (one per tangent, shaped like x). */
export function hvpInto<X extends Tree, Cs extends readonly Context[]>(
  outs: X[],
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X,
  tangents: readonly X[],
  ...contexts: Cs
): Widen<X>[];
/** The same, for an x of an `interface` type (which `Tree` does not admit), checked leaf by leaf. */
export function hvpInto<X, Cs extends readonly Context[]>(
  outs: X[],
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  tangents: readonly X[],
  ...contexts: Cs
): Widen<X>[];
export function hvpInto<X, Cs extends readonly Context[]>(
  outs: X[],
  f: Fn<X, Cs, Value>,
  backend: AnyBackend,
  x: X & ValidTree<X>,
  tangents: readonly X[],
  ...contexts: Cs
): Widen<X>[] {
  return prepareHvp(f, backend, x, tangents, ...contexts).hvpInto(outs, x, tangents, ...contexts);
}
