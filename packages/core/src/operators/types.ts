import type { Context, ContextValues } from '../context.js';
import type { AnyBackend, Engine } from '../engine.js';
import { InvalidInputError } from '../errors.js';
import type { Tree, TreeDef } from '../pytree.js';
import type { Tracer, Value } from '../trace.js';
import type { NDArray, Plain } from '../values.js';

/**
 * What f receives for an input of type X: the same structure, with values (possibly traced) as
 * leaves. The guard stops the recursion at the open-ended `Tree` itself, which TypeScript would
 * otherwise expand without end while it still infers X (as for an inline `inPlace(...)`).
 */
export type Traced<X> = [Tree] extends [X]
  ? Tree
  : X extends Value
    ? Value
    : { [K in keyof X]: Traced<X[K]> };

/** What an operator returns for an output of type Y: the same structure, with plain leaves. */
export type Result<Y> = Y extends Tracer ? Plain : Y extends Plain ? Y : { [K in keyof Y]: Result<Y[K]> };

/**
 * The type of a result shaped like an input of type X: a literal number widens to `number` and a
 * `Float64Array` over any buffer to `Float64Array`, so `gradient(f, b, 2)` is a `number` and a
 * prepared call accepts any `Float64Array`, not only the kind it was prepared with. (Guarded
 * like `Traced`.)
 */
export type Widen<X> = [Tree] extends [X] ? X : WidenEach<X>;
type WidenEach<X> = X extends number
  ? number
  : X extends Float64Array
    ? Float64Array
    : X extends NDArray | Tracer
      ? X
      : X extends object
        ? { [K in keyof X]: Widen<X[K]> }
        : X;

/**
 * X itself when X is a pytree type (objects declared with `interface` included, which an index
 * signature would refuse); otherwise a type X is not assignable to, so that `x: X & ValidTree<X>`
 * refuses a string, a `Float32Array` or a `Map` at the argument, down to the offending property.
 */
export type ValidTree<X> = X extends Value
  ? X
  : X extends (...args: never[]) => unknown
    ? never
    : X extends object
      ? { readonly [K in keyof X]: ValidTree<X[K]> }
      : never;

/** What a prepared call accepts where it was prepared with an X. */
export type InputLike<X> = X | Widen<X>;

/**
 * True when a value of type T (an input, or a constant's data) can hold a value of an outer
 * differentiation: a `Value` or a `Tracer` somewhere in it. `unknown` and `any` count as plain.
 */
export type MayBeTraced<T> = 0 extends 1 & T
  ? false
  : unknown extends T
    ? false
    : Tracer extends T
      ? true
      : [T] extends [Tracer]
        ? true
        : T extends Plain | string | boolean | bigint | symbol | null | undefined
          ? false
          : T extends (...args: never[]) => unknown
            ? false
            : T extends object
              ? true extends { [K in keyof T]-?: MayBeTraced<T[K]> }[keyof T]
                ? true
                : false
              : false;

/** True when a call's x or one of its constants can hold a value of an outer differentiation. */
export type Nested<X, Cs extends readonly Context[]> = MayBeTraced<X> extends true
  ? true
  : true extends {
        [K in keyof Cs]: Cs[K] extends { readonly kind: 'constant'; readonly value: infer T }
          ? MayBeTraced<T>
          : false;
      }[number]
    ? true
    : false;

/** A result type with every plain leaf widened to `Value`: what a nested operator returns. */
export type AsTraced<R> = R extends Plain | Tracer
  ? Value
  : R extends object
    ? { [K in keyof R]: AsTraced<R[K]> }
    : R;

/**
 * The type of a result R of an operator called with x of type X and contexts Cs: R itself, or,
 * when the call is nested inside an outer differentiation (x or a constant is traced), R with
 * `Value` leaves — the results are then traced by the outer differentiation (exactly one level
 * down). A call whose f reaches a traced value only through a closure returns traced results
 * typed as plain ones: pass them to the functions of `@diffint/core/math` (a JS-number use of
 * one throws `TracedValueError`), or pass the outer value as a `constant()` to type them.
 */
export type Out<X, Cs extends readonly Context[], R> = Nested<X, Cs> extends true ? AsTraced<R> : R;

/** f(x, ...contexts) for an input of type X and contexts Cs. */
export type Fn<X, Cs extends readonly Context[], Y = unknown> = (
  x: Traced<X>,
  ...contexts: ContextValues<Cs>
) => Y;

/** The engine a first-order operator uses: the inner one of a second-order pair (or of a matrix backend). */
export function firstOrder(backend: AnyBackend): Engine {
  if (backend.kind === 'matrix') return firstOrder(backend.inner);
  return backend.kind === 'second-order' ? backend.inner : backend;
}

/** The scalar value of a scalar output (traced when nested in another differentiation). */
export function scalarResult(v: Value): number {
  return v as number;
}

export function checkScalarInput(operator: string, def: TreeDef): void {
  if (def.type !== 'leaf' || def.shape.length !== 0) {
    throw new InvalidInputError(
      `${operator} needs a scalar x (a number). For vector inputs use gradient, jacobian or pushforward.`,
    );
  }
}

export function checkSeeds(
  operator: string,
  seeds: unknown,
  name: string,
): asserts seeds is readonly unknown[] {
  if (!Array.isArray(seeds)) {
    throw new InvalidInputError(
      `${operator}: ${name} must be an array of seeds (a batch), e.g. [t] for a single one.`,
    );
  }
}

import type { Buffer } from '../buffer.js';
import type { InPlace } from './prepare.js';

/** f returning its output, or an in-place f(y, x, ...contexts) marked with `inPlace`. */
export type AnyFn<X, Cs extends readonly Context[]> =
  | Fn<X, Cs>
  | InPlace<(y: Buffer, x: Traced<X>, ...contexts: ContextValues<Cs>) => void>;

/** The result type of f's output. */
export type OutputOf<F> = F extends InPlace
  ? Plain
  : F extends (...args: any[]) => infer Y
    ? Result<Y>
    : never;
