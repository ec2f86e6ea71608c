import type { Context } from '../context.js';
import type { AnyBackend, LeafFn } from '../engine.js';
import { type Value, primalSince, traceMark } from '../trace.js';
import { pairOf, pushforwardValues } from './derived.js';
import { Preparation, resultTree, writeInto } from './prepare.js';
import { type Fn, type InputLike, type Out, type Result, checkScalarInput } from './types.js';

/**
 * A prepared second derivative: `prepareSecondDerivative(f, backend, x, ...contexts)` checked its arguments once and allocated what the engine
 * needs. Each call checks that x and the contexts match the prepared ones (same structure, shapes
 * and context kinds), else it throws a `PreparationMismatchError` listing each argument.
 */
export interface PreparedSecondDerivative<
  Y,
  Cs extends readonly Context[],
  X extends number | Value = number,
> {
  /** f″(x), shaped like f's output. */
  secondDerivative(x: InputLike<X>, ...contexts: Cs): Out<X, Cs, Result<Y>>;
  /** [f(x), f′(x), f″(x)]. */
  valueDerivativeAndSecondDerivative(
    x: InputLike<X>,
    ...contexts: Cs
  ): Out<X, Cs, [Result<Y>, Result<Y>, Result<Y>]>;
  /** Writes f″(x) into `out` (shaped like f's output) and returns it. */
  secondDerivativeInto(out: Result<Y>, x: number, ...contexts: Cs): Result<Y>;
}

/** Prepares f''(x) for a scalar x: the outer engine differentiates the inner engine's derivative. */
export function prepareSecondDerivative<Cs extends readonly Context[], Y, X extends number | Value = number>(
  f: Fn<number, Cs, Y>,
  backend: AnyBackend,
  x: X,
  ...contexts: Cs
): PreparedSecondDerivative<Y, Cs, X> {
  const prep = new Preparation('secondDerivative', f, backend, x, contexts);
  checkScalarInput('secondDerivative', prep.xDef);
  const { outer, inner } = pairOf(backend);
  const compute = (x: unknown, contexts: Cs) => {
    const xs = prep.check(x, contexts);
    const innerKey = {};
    // Results go exactly one level down: the traces begun here are removed, the caller's kept.
    const mark = traceMark();
    const down = (v: Value) => primalSince(v, mark);
    let first: { y: Value[]; d: Value[] } | null = null;
    const r = prep.run(contexts, (fn) => {
      const d: LeafFn = (x) => {
        const r = pushforwardValues(inner, fn, x, [[1]], innerKey);
        first ??= { y: r.ys.map(down), d: r.results[0]!.map(down) };
        return r.results[0]!;
      };
      return pushforwardValues(outer, d, xs, [[1]], prep.key);
    });
    return { y: first!.y, d: first!.d, d2: r.results[0]! };
  };
  return {
    secondDerivative: (x, ...c) => {
      const r = compute(x, c);
      return resultTree(prep.yDef!, r.d2);
    },
    valueDerivativeAndSecondDerivative: (x, ...c) => {
      const r = compute(x, c);
      return [resultTree(prep.yDef!, r.y), resultTree(prep.yDef!, r.d), resultTree(prep.yDef!, r.d2)] as Out<
        X,
        Cs,
        [Result<Y>, Result<Y>, Result<Y>]
      >;
    },
    secondDerivativeInto: (out, x, ...c) => {
      const r = compute(x, c);
      writeInto(out, prep.yDef!, r.d2);
      return out;
    },
  };
}

/** f''(x) for a scalar x, shaped like f's output. */
export function secondDerivative<Cs extends readonly Context[], Y, X extends number | Value = number>(
  f: Fn<number, Cs, Y>,
  backend: AnyBackend,
  x: X,
  ...contexts: Cs
): Out<X, Cs, Result<Y>> {
  return prepareSecondDerivative<Cs, Y, X>(f, backend, x, ...contexts).secondDerivative(x, ...contexts);
}

/** [f(x), f'(x), f''(x)]. */
export function valueDerivativeAndSecondDerivative<
  Cs extends readonly Context[],
  Y,
  X extends number | Value = number,
>(
  f: Fn<number, Cs, Y>,
  backend: AnyBackend,
  x: X,
  ...contexts: Cs
): Out<X, Cs, [Result<Y>, Result<Y>, Result<Y>]> {
  return prepareSecondDerivative<Cs, Y, X>(f, backend, x, ...contexts).valueDerivativeAndSecondDerivative(
    x,
    ...contexts,
  );
}

/** Writes f″(x) for a scalar x into `out` (shaped like f's output) and returns it. */
export function secondDerivativeInto<Cs extends readonly Context[], Y>(
  out: Result<Y>,
  f: Fn<number, Cs, Y>,
  backend: AnyBackend,
  x: number,
  ...contexts: Cs
): Result<Y> {
  return prepareSecondDerivative(f, backend, x, ...contexts).secondDerivativeInto(out, x, ...contexts);
}
