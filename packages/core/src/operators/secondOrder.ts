import type { Engine, SecondOrder } from '../engine.js';
import { InvalidInputError } from '../errors.js';

/**
 * Combines two engines for second order: `outer` differentiates what `inner` computes.
 * `secondOrder(forward(), tape())` is forward-over-reverse, the usual choice for Hessian-vector
 * products. First-order operators given a pair use `inner`.
 */
export function secondOrder(outer: Engine, inner: Engine): SecondOrder {
  for (const [name, e] of [
    ['outer', outer],
    ['inner', inner],
  ] as const) {
    if ((e as Engine | null)?.kind !== 'engine') {
      throw new InvalidInputError(
        `secondOrder(outer, inner): ${name} must be an engine such as tape() or forward().`,
      );
    }
  }
  return { kind: 'second-order', name: `${outer.name}-over-${inner.name}`, outer, inner };
}
