import type { Context } from '../context.js';
import type { AnyBackend, LeafFn } from '../engine.js';
import type { Value } from '../trace.js';
import { pushforwardValues } from './derived.js';
import { Preparation, callContexts, resultTree, writeInto } from './prepare.js';
import {
  type AnyFn,
  type InputLike,
  type Out,
  type OutputOf,
  checkScalarInput,
  firstOrder,
} from './types.js';

/**
 * A prepared derivative: `prepareDerivative(f, backend, x, ...contexts)` checked its arguments once and allocated what the engine
 * needs. Each call checks that x and the contexts match the prepared ones (same structure, shapes
 * and context kinds), else it throws a `PreparationMismatchError` listing each argument.
 */
export interface PreparedDerivative<F, Cs extends readonly Context[], X extends number | Value = number> {
  /** f′(x), shaped like f's output (a number for a scalar f). */
  derivative(x: InputLike<X>, ...contexts: Cs): Out<X, Cs, OutputOf<F>>;
  /** [f(x), f′(x)]. */
  valueAndDerivative(x: InputLike<X>, ...contexts: Cs): Out<X, Cs, [OutputOf<F>, OutputOf<F>]>;
  /** Writes f'(x) into `out` (shaped like f's output) and returns it. */
  derivativeInto(out: OutputOf<F>, x: number, ...contexts: Cs): OutputOf<F>;
  /** [f(x), f′(x)], the derivative written into `out` (shaped like f's output). */
  valueAndDerivativeInto(out: OutputOf<F>, x: number, ...contexts: Cs): [OutputOf<F>, OutputOf<F>];
}

/** Prepares f'(x) for a scalar x; the derivative has the structure of f's output. */
export function prepareDerivative<
  Cs extends readonly Context[],
  F extends AnyFn<number, Cs>,
  X extends number | Value = number,
>(f: F, backend: AnyBackend, x: X, ...contexts: Cs): PreparedDerivative<F, Cs, X> {
  const prep = new Preparation('derivative', f, backend, x, contexts, { inPlace: true });
  checkScalarInput('derivative', prep.xDef);
  const engine = firstOrder(backend);
  const replayer = prep.replayer('derivative');
  const key = prep.key;
  /**
   * A call's value and derivative leaves, overwritten by the next call: read before the call
   * returns (a nested call of this preparation, made by f, ends before its caller's is written).
   */
  const result: { ys: readonly Value[]; d: readonly Value[] } = { ys: [], d: [] };
  const body = (fn: LeafFn, xs: readonly Value[]) => {
    const r = pushforwardValues(engine, fn, xs, unitTangent, key);
    result.ys = r.ys;
    result.d = r.results[0]!;
    return result;
  };
  const compute = (
    x: unknown,
    contexts: readonly unknown[],
  ): { ys: readonly Value[]; d: readonly Value[] } => {
    if (replayer !== null) {
      const leaves = prep.match(x, contexts);
      const r = leaves === null ? null : replayer.call(leaves, contexts as Cs);
      if (r !== null) {
        result.ys = r.ys;
        result.d = r.d;
        return result;
      }
    }
    return prep.run(contexts, body, prep.check(x, contexts));
  };
  // The contexts are read from `arguments` (see `callContexts`); the rest parameters only type
  // them, and as they are never read no list is made for them.
  /* biome-ignore-start lint/complexity/noArguments: a call without contexts allocates no list */
  const prepared: PreparedDerivative<F, Cs, X> = {
    derivative(x, ..._contexts) {
      // The structure of f's output is known once f ran: computed first.
      const r = compute(x, callContexts(arguments, 1));
      return resultTree(prep.yDef!, r.d);
    },
    valueAndDerivative(x, ..._contexts) {
      const r = compute(x, callContexts(arguments, 1));
      const y = resultTree(prep.yDef!, r.ys);
      return [y, resultTree(prep.yDef!, r.d)] as Out<X, Cs, [OutputOf<F>, OutputOf<F>]>;
    },
    derivativeInto(out, x, ..._contexts) {
      const r = compute(x, callContexts(arguments, 2));
      writeInto(out, prep.yDef!, r.d);
      return out;
    },
    valueAndDerivativeInto(out, x, ..._contexts) {
      const r = compute(x, callContexts(arguments, 2));
      const y = resultTree(prep.yDef!, r.ys);
      writeInto(out, prep.yDef!, r.d);
      return [y, out];
    },
  };
  /* biome-ignore-end lint/complexity/noArguments: a call without contexts allocates no list */
  return prepared;
}

/** The one tangent 1 of a scalar x (engines read tangents, never write them). */
const unitTangent: readonly (readonly Value[])[] = Object.freeze([Object.freeze([1])]);

/** f'(x) for a scalar x: a number for a scalar f, else the structure of f's output. */
export function derivative<
  Cs extends readonly Context[],
  F extends AnyFn<number, Cs>,
  X extends number | Value = number,
>(f: F, backend: AnyBackend, x: X, ...contexts: Cs): Out<X, Cs, OutputOf<F>> {
  return prepareDerivative<Cs, F, X>(f, backend, x, ...contexts).derivative(x, ...contexts);
}

/** [f(x), f'(x)]. */
export function valueAndDerivative<
  Cs extends readonly Context[],
  F extends AnyFn<number, Cs>,
  X extends number | Value = number,
>(f: F, backend: AnyBackend, x: X, ...contexts: Cs): Out<X, Cs, [OutputOf<F>, OutputOf<F>]> {
  return prepareDerivative<Cs, F, X>(f, backend, x, ...contexts).valueAndDerivative(x, ...contexts);
}

/** Writes f′(x) into `out` (shaped like f's output) and returns it. */
export function derivativeInto<Cs extends readonly Context[], F extends AnyFn<number, Cs>>(
  out: OutputOf<F>,
  f: F,
  backend: AnyBackend,
  x: number,
  ...contexts: Cs
): OutputOf<F> {
  return prepareDerivative(f, backend, x, ...contexts).derivativeInto(out, x, ...contexts);
}
