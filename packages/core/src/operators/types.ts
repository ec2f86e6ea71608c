import type { Context, ContextValues } from '../context.js';
import type { Engine, SecondOrder } from '../engine.js';
import { InvalidInputError } from '../errors.js';
import type { TreeDef } from '../pytree.js';
import type { Tracer, Value } from '../trace.js';
import type { Plain } from '../values.js';

/** What f receives for an input of type X: the same structure, with values (possibly traced) as leaves. */
export type Traced<X> = X extends Value ? Value : { [K in keyof X]: Traced<X[K]> };

/** What an operator returns for an output of type Y: the same structure, with plain leaves. */
export type Result<Y> = Y extends Tracer ? Plain : Y extends Plain ? Y : { [K in keyof Y]: Result<Y[K]> };

/** f(x, ...contexts) for an input of type X and contexts Cs. */
export type Fn<X, Cs extends readonly Context[], Y = unknown> = (
  x: Traced<X>,
  ...contexts: ContextValues<Cs>
) => Y;

/** The engine a first-order operator uses: the inner one of a second-order pair. */
export function firstOrder(backend: Engine | SecondOrder): Engine {
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
