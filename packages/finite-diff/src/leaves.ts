import { NDArray } from '@diffint/core';
import { type Plain, Tracer, type Value, shapeOf, sizeOf } from '@diffint/core/engine';

/** Number of scalars in a list of leaves. */
export function totalSize(leaves: readonly Value[]): number {
  let n = 0;
  for (const l of leaves) n += sizeOf(shapeOf(l));
  return n;
}

/** True when no leaf is traced by an outer differentiation. */
export function allPlain(leaves: readonly Value[]): leaves is readonly Plain[] {
  for (const l of leaves) if (l instanceof Tracer) return false;
  return true;
}

/** True when no leaf of any seed of the batch is traced. */
export function allPlainSeeds(seeds: readonly (readonly Value[])[]): seeds is readonly (readonly Plain[])[] {
  for (const s of seeds) if (!allPlain(s)) return false;
  return true;
}

/**
 * A copy of an output leaf of f that later evaluations cannot change (black-box code may return
 * the same array every time, rewritten in place). Traced values are immutable and kept as they are.
 */
export function ownCopy(v: Value): Value {
  if (typeof v === 'number' || v instanceof Tracer) return v;
  if (v instanceof Float64Array) return v.slice();
  return new NDArray(v.data.slice(), v.shape);
}
