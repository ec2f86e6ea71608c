/**
 * Contexts: the extra arguments of `f(x, ...contexts)`. Only `x` is active.
 */
import { Buffer } from './buffer.js';
import { InvalidInputError } from './errors.js';
import type { NDArray, Shape } from './values.js';

/** Passed to f unchanged and never differentiated; its size does not change the cost of a derivative. */
export interface Constant<T = unknown> {
  readonly kind: 'constant';
  readonly value: T;
}

export type CacheTemplate = number | Shape | Float64Array | NDArray;

/** Scratch space: f receives a `Buffer` shaped like the template, allocated once per preparation. */
export interface Cache<T extends CacheTemplate = CacheTemplate> {
  readonly kind: 'cache';
  readonly template: T;
}

export type Context = Constant | Cache;

export function constant<T>(value: T): Constant<T> {
  return { kind: 'constant', value };
}

export function cache<T extends CacheTemplate>(template: T): Cache<T> {
  return { kind: 'cache', template };
}

/** What f receives for a context: a constant's value, or a buffer for a cache. */
export type ContextValue<C> = C extends Constant<infer T> ? T : C extends Cache ? Buffer : never;
export type ContextValues<Cs extends readonly Context[]> = { [K in keyof Cs]: ContextValue<Cs[K]> };

export function isContext(c: unknown): c is Context {
  return (
    typeof c === 'object' &&
    c !== null &&
    ((c as Context).kind === 'constant' || (c as Context).kind === 'cache') &&
    ('value' in c || 'template' in c)
  );
}

export function checkContexts(contexts: readonly unknown[]): asserts contexts is readonly Context[] {
  contexts.forEach((c, i) => {
    if (!isContext(c)) {
      throw new InvalidInputError(
        `context ${i + 1} (argument ${i + 4} of the operator) is not a context. Wrap extra arguments of f in ` +
          'constant(value) (never differentiated) or cache(template) (scratch space); active inputs belong in x (a pytree).',
      );
    }
  });
}

/** The values f receives for contexts: caches become the preparation's own buffers. */
export function contextValues(contexts: readonly Context[], caches: readonly (Buffer | null)[]): unknown[] {
  return contexts.map((c, i) => (c.kind === 'constant' ? c.value : caches[i]!));
}

export function allocateCaches(contexts: readonly Context[]): (Buffer | null)[] {
  return contexts.map((c) => (c.kind === 'cache' ? new Buffer(c.template) : null));
}
