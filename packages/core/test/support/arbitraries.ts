/**
 * fast-check arbitraries for the property tests: shapes that broadcast, and plain values written
 * as `{ shape, data }` so that a shrunk counterexample reads as the numbers it holds.
 */
import { NDArray, type Plain, type Shape } from '@diffint/core';
import fc from 'fast-check';

/** A plain value as a counterexample shows it: its shape and its elements, row-major. */
export interface Arr {
  readonly shape: Shape;
  readonly data: readonly number[];
}

/** The plain value of an `Arr`: a number for [], a Float64Array for rank 1, else an NDArray. */
export function plain(a: Arr): Plain {
  if (a.shape.length === 0) return a.data[0]!;
  if (a.shape.length === 1) return Float64Array.from(a.data);
  return new NDArray(Float64Array.from(a.data), a.shape);
}

export const size = (s: Shape) => s.reduce((n, d) => n * d, 1);

/** An `Arr` of `shape` with elements drawn from `element`. */
export function arr(shape: Shape, element: fc.Arbitrary<number>): fc.Arbitrary<Arr> {
  const n = size(shape);
  return fc.array(element, { minLength: n, maxLength: n }).map((data) => ({ shape, data }));
}

/**
 * A number in [min, max] on a grid of 10⁻⁶, about uniformly: `fc.double` draws uniformly among
 * representable doubles, so most of its draws would be tiny. Shrinks towards the end nearer 0
 * (or 0 itself), and prints with at most six decimals.
 */
export const between = (min: number, max: number) =>
  fc.integer({ min: Math.ceil(min * 1e6), max: Math.floor(max * 1e6) }).map((i) => i / 1e6);

/** A magnitude in [lo, hi] with either sign: keeps away from 0. */
export const signed = (lo: number, hi: number) =>
  fc.tuple(fc.boolean(), between(lo, hi)).map(([neg, x]) => (neg ? -x : x));

/** A shape of rank `minRank`…`maxRank` with dimensions 1…`maxDim`. */
export const shape = (minRank = 0, maxRank = 3, maxDim = 4): fc.Arbitrary<Shape> =>
  fc.array(fc.integer({ min: 1, max: maxDim }), { minLength: minRank, maxLength: maxRank });

/**
 * A shape that broadcasts to `to` (NumPy rules): some leading dimensions dropped, some of the
 * others replaced by 1.
 */
export function broadcastableTo(to: Shape): fc.Arbitrary<Shape> {
  return fc
    .tuple(
      fc.integer({ min: 0, max: to.length }),
      fc.array(fc.boolean(), { minLength: to.length, maxLength: to.length }),
    )
    .map(([drop, ones]) => to.slice(drop).map((d, i) => (ones[drop + i] ? 1 : d)));
}
