/** Comparisons of results with reference values, leaf by leaf, and deep copies of inputs. */
import { NDArray } from '@diffint/core';
import { expect } from 'vitest';

/** The tree with each leaf replaced by its kind (and shape): what "the same structure" means. */
export function kinds(v: unknown): unknown {
  if (typeof v === 'number') return 'number';
  if (v instanceof Float64Array) return `Float64Array[${v.length}]`;
  if (v instanceof NDArray) return `NDArray[${v.shape.join(', ')}]`;
  if (Array.isArray(v)) return v.map(kinds);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, c]) => [k, kinds(c)]));
  }
  return typeof v;
}

function leaves(v: unknown, out: number[] = []): number[] {
  if (typeof v === 'number') out.push(v);
  else if (v instanceof Float64Array) out.push(...v);
  else if (v instanceof NDArray) out.push(...v.data);
  else if (Array.isArray(v)) for (const c of v) leaves(c, out);
  else if (typeof v === 'object' && v !== null) for (const c of Object.values(v)) leaves(c, out);
  else throw new Error(`not a value: ${String(v)}`);
  return out;
}

/**
 * `actual` has the structure and leaf kinds of `expected`, and each element is within
 * `rtol · (1 + |expected|)` of it.
 */
export function expectClose(actual: unknown, expected: unknown, rtol = 1e-12): void {
  expect(kinds(actual)).toEqual(kinds(expected));
  const a = leaves(actual);
  const e = leaves(expected);
  a.forEach((x, i) => {
    const err = Math.abs(x - e[i]!);
    if (!(err <= rtol * (1 + Math.abs(e[i]!)))) expect.fail(`element ${i}: got ${x}, expected ${e[i]}`);
  });
}

export const matrix = (rows: number[][]): NDArray => NDArray.from(rows);
/** An independent deep copy of a tree of values (new arrays, new NDArrays, new containers). */
export function deepCopy<T>(v: T): T {
  if (v instanceof Float64Array) return v.slice() as T;
  if (v instanceof NDArray) return new NDArray(v.data.slice(), v.shape) as T;
  if (Array.isArray(v)) return v.map(deepCopy) as T;
  if (typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, c]) => [k, deepCopy(c)])) as T;
  }
  if (ArrayBuffer.isView(v)) return (v as unknown as Float32Array).slice() as T;
  return v;
}
