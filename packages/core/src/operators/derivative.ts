import type { Context } from '../context.js';
import type { AnyBackend } from '../engine.js';
import type { Value } from '../trace.js';
import { pushforwardValues } from './derived.js';
import { Preparation, resultTree, writeInto } from './prepare.js';
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
  const compute = (x: unknown, contexts: Cs) => {
    if (replayer !== null) {
      const leaves = prep.match(x, contexts);
      const r = leaves === null ? null : replayer.call(leaves, contexts);
      if (r !== null) return { y: resultTree(prep.yDef!, r.ys), d: r.d };
    }
    const xs = prep.check(x, contexts);
    const r = prep.run(contexts, (fn) => pushforwardValues(engine, fn, xs, [[1]], prep.key));
    return { y: resultTree(prep.yDef!, r.ys), d: r.results[0]! };
  };
  return {
    derivative: (x, ...c) => {
      const r = compute(x, c);
      return resultTree(prep.yDef!, r.d);
    },
    valueAndDerivative: (x, ...c) => {
      const r = compute(x, c);
      return [r.y, resultTree(prep.yDef!, r.d)] as Out<X, Cs, [OutputOf<F>, OutputOf<F>]>;
    },
    derivativeInto: (out, x, ...c) => {
      const r = compute(x, c);
      writeInto(out, prep.yDef!, r.d);
      return out;
    },
    valueAndDerivativeInto: (out, x, ...c) => {
      const r = compute(x, c);
      writeInto(out, prep.yDef!, r.d);
      return [r.y, out];
    },
  };
}

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
