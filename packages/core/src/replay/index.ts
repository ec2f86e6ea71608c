/**
 * `replay(f)`: the explicit option under which a prepared gradient or derivative runs f's
 * compiled program without running f (see packages/core/README.md, "Replay").
 */
import { InvalidInputError } from '../errors.js';
import type { ReplayOptions } from './replayer.js';

export { type ReplayHost, type ReplayMode, type ReplayOptions, Replayer } from './replayer.js';

const marked = new WeakMap<object, ReplayOptions>();

/**
 * Marks `f` as a pure function of x and its contexts, so that a prepared gradient or derivative
 * may record it once and later replay the compiled program without running it. Guards re-trace
 * when a `value()` read, a buffer element read before it is written, or a context differs from
 * what the recording saw; a function that writes into a plain array it computes with, or that
 * cannot be compiled, runs on every call as usual. Returns a function that behaves as `f`.
 * @typeParam F - the function's own type, kept so its x and contexts are still inferred.
 */
export function replay<F extends (...args: any[]) => unknown>(f: F, options: ReplayOptions = {}): F {
  if (typeof f !== 'function') throw new InvalidInputError('replay(f): f must be a function.');
  if (typeof options !== 'object' || options === null) {
    throw new InvalidInputError('replay(f, options): options must be an object such as { codegen: false }.');
  }
  const g = ((...args: unknown[]) => f(...args)) as F;
  marked.set(g, options);
  return g;
}

/** The options `replay` marked `f` with, or null for an ordinary function. */
export function replayOptionsOf(f: unknown): ReplayOptions | null {
  return typeof f === 'function' ? (marked.get(f) ?? null) : null;
}
