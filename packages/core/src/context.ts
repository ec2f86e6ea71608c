/**
 * Contexts: the extra arguments of `f(x, ...contexts)`. Only `x` is active.
 */
import { Buffer } from './buffer.js';
import { describeValue, fixForValue } from './describe.js';
import { InvalidInputError } from './errors.js';
import { NDArray, type Shape } from './values.js';

/** Passed to f unchanged and never differentiated; its size does not change the cost of a derivative. */
export interface Constant<T = unknown> {
  readonly kind: 'constant';
  readonly value: T;
}

/** What a `cache()` is shaped like: a length, a shape, or an array whose shape is taken. */
export type CacheTemplate = number | Shape | Float64Array | NDArray;

/** Scratch space: f receives a `Buffer` shaped like the template, allocated once per preparation. */
export interface Cache<T extends CacheTemplate = CacheTemplate> {
  readonly kind: 'cache';
  readonly template: T;
}

/** An argument of f after x: a `constant()` or a `cache()`. */
export type Context = Constant | Cache;

/**
 * Marks an extra argument of f as constant: f receives `value` unchanged and nothing is
 * differentiated with respect to it (data, hyperparameters, an enclosed network).
 */
export function constant<T>(value: T): Constant<T> {
  if (value === undefined) {
    throw new InvalidInputError('constant(value): value is missing (undefined). Pass the data f needs.');
  }
  if (isContext(value)) {
    throw new InvalidInputError(
      `constant(value): value is already a context (${value.kind}); pass it on its own, not wrapped again.`,
    );
  }
  if (isFloatArrayOtherThan64(value)) {
    throw new InvalidInputError(
      `constant(value): value is ${describeValue(value)}; diffint computes in float64, so a float array ` +
        'would fail in the first op that reads it. Convert it with Float64Array.from(…) (integer typed ' +
        'arrays, such as indices, are accepted).',
    );
  }
  return { kind: 'constant', value };
}

/**
 * Scratch space: f receives a `Buffer` shaped like `template` (a length, a shape, a Float64Array
 * or an NDArray, whose contents it starts with), allocated once per preparation.
 */
export function cache<T extends CacheTemplate>(template: T): Cache<T> {
  checkTemplate('cache(template)', 'template', template);
  return { kind: 'cache', template };
}

/** Checks that `template` can shape a buffer, or throws `InvalidInputError` naming `op` and `name`. */
export function checkTemplate(
  op: string,
  name: string,
  template: unknown,
): asserts template is CacheTemplate {
  const ok =
    (typeof template === 'number' && Number.isInteger(template) && template >= 0) ||
    template instanceof Float64Array ||
    template instanceof NDArray ||
    (Array.isArray(template) &&
      template.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0));
  if (!ok) {
    throw new InvalidInputError(
      `${op}: ${name} is ${describeValue(template)}; it must be a length (a non-negative integer), a shape ` +
        `(an array of non-negative integers), a Float64Array or an NDArray. ${
          ArrayBuffer.isView(template) ? fixForValue(template) : ''
        }`.trimEnd(),
    );
  }
}

function isFloatArrayOtherThan64(v: unknown): boolean {
  if (!ArrayBuffer.isView(v) || v instanceof Float64Array) return false;
  const name = v.constructor.name;
  return name === 'Float32Array' || name === 'Float16Array';
}

/** What f receives for a context: a constant's value, or a buffer for a cache. */
export type ContextValue<C> = C extends Constant<infer T> ? T : C extends Cache ? Buffer : never;
/** What f receives for each of its contexts, in order. */
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
export function contextValues(
  contexts: readonly Context[],
  caches: readonly (Buffer | null)[],
): readonly unknown[] {
  if (contexts.length === 0) return noContexts;
  return contexts.map((c, i) => (c.kind === 'constant' ? c.value : caches[i]!));
}

const noContexts: readonly unknown[] = Object.freeze([]);

export function allocateCaches(contexts: readonly Context[]): (Buffer | null)[] {
  return contexts.map((c) => (c.kind === 'cache' ? new Buffer(c.template) : null));
}

/** The shape of the buffer a template makes, computed without making it. */
export function templateShape(template: CacheTemplate): Shape {
  if (typeof template === 'number') return [template];
  if (template instanceof Float64Array) return [template.length];
  if (template instanceof NDArray) return template.shape;
  return template;
}
