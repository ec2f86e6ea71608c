/** A small seeded PRNG (mulberry32), so every property test draws the same inputs on every run. */
import { NDArray, type Plain, type Shape } from '@diffint/core';

export type Rng = () => number;

export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A plain value of `shape` (a number for [], a Float64Array for rank 1, else an NDArray). */
export function plainOf(shape: Shape, element: () => number): Plain {
  const size = shape.reduce((n, d) => n * d, 1);
  const data = Float64Array.from({ length: size }, element);
  if (shape.length === 0) return data[0]!;
  if (shape.length === 1) return data;
  return new NDArray(data, shape);
}

export const uniform = (r: Rng, lo: number, hi: number) => () => lo + (hi - lo) * r();

/** Magnitude in [lo, hi] with a random sign: keeps away from 0. */
export const signed = (r: Rng, lo: number, hi: number) => () => (r() < 0.5 ? -1 : 1) * (lo + (hi - lo) * r());
