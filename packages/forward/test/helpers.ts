import { NDArray } from '@diffint/core';
import { expect } from 'vitest';

type Numbers = number | Float64Array | NDArray | readonly number[];

const dataOf = (v: Numbers): readonly number[] =>
  typeof v === 'number' ? [v] : v instanceof NDArray ? Array.from(v.data) : Array.from(v);

/** Elementwise |actual - expected| ≤ tol · max(1, max |expected|). */
export function expectClose(actual: Numbers, expected: Numbers, tol = 1e-13): void {
  const a = dataOf(actual);
  const e = dataOf(expected);
  expect(a.length).toBe(e.length);
  const scale = Math.max(1, ...e.map(Math.abs));
  for (let i = 0; i < e.length; i++) {
    if (!(Math.abs(a[i]! - e[i]!) <= tol * scale)) {
      throw new Error(`element ${i}: got ${a[i]}, expected ${e[i]} (tolerance ${tol * scale})`);
    }
  }
}

/** A matrix [rows, cols] from a function of (row, column). */
export function matrix(rows: number, cols: number, at: (i: number, j: number) => number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = at(i, j);
  return out;
}

/** A deterministic vector with entries in [-0.5, 0.5). */
export function pseudoRandom(n: number, seed: number): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n }, () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  });
}
