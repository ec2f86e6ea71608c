/**
 * Plain-JS pytree helpers for references and checks, kept apart from core's own pytree code so
 * that a bug there cannot hide in the reference: leaves are numbers, Float64Arrays and NDArrays,
 * containers plain objects and arrays, walked depth first in key order.
 */
import { NDArray, SparseMatrix } from '@diffint/core';

export interface Leaf {
  readonly path: string;
  /** `number`, `Float64Array[n]` or `NDArray[…]`: results must have the reference's leaf kinds. */
  readonly kind: string;
  readonly data: Float64Array;
  /** A reference leaf whose elements are not specified (only its kind is checked). */
  readonly unspecified?: true;
}

/**
 * A reference part that the conventions leave unspecified (a derivative at a point where f is
 * NaN): a result must have its structure, and may hold any numbers.
 */
export class Unspecified {
  constructor(
    /** A tree with the structure the result must have. */
    readonly like: unknown,
  ) {}
}

/** Marks a reference part as unspecified, with the structure of `like`. */
export function unspecified(like: unknown): Unspecified {
  return new Unspecified(like);
}

export function leaves(tree: unknown, path = ''): Leaf[] {
  if (tree instanceof Unspecified) {
    return leaves(tree.like, path).map((l) => ({ ...l, unspecified: true as const }));
  }
  // A sparse result compares as the dense matrix it stands for.
  if (tree instanceof SparseMatrix) return leaves(tree.toDense(), path);
  if (typeof tree === 'number') return [{ path, kind: 'number', data: Float64Array.of(tree) }];
  if (tree instanceof Float64Array) return [{ path, kind: `Float64Array[${tree.length}]`, data: tree }];
  if (tree instanceof NDArray) return [{ path, kind: `NDArray[${tree.shape.join(', ')}]`, data: tree.data }];
  if (Array.isArray(tree)) return tree.flatMap((t, i) => leaves(t, `${path}[${i}]`));
  if (isPlainObject(tree)) return Object.keys(tree).flatMap((k) => leaves(tree[k], `${path}.${k}`));
  return [{ path, kind: `not a value (${describe(tree)})`, data: new Float64Array(0) }];
}

/** All elements of a tree, concatenated in leaf order. */
export function flatData(tree: unknown): Float64Array {
  const ls = leaves(tree);
  const out = new Float64Array(ls.reduce((n, l) => n + l.data.length, 0));
  let off = 0;
  for (const l of ls) {
    out.set(l.data, off);
    off += l.data.length;
  }
  return out;
}

/** A fresh tree shaped like `template` holding `data` (in leaf order). */
export function likeTree(template: unknown, data: ArrayLike<number>): any {
  let off = 0;
  const build = (t: unknown): unknown => {
    if (t instanceof Unspecified) return build(t.like);
    if (typeof t === 'number') return data[off++]!;
    if (t instanceof Float64Array) {
      const out = Float64Array.from({ length: t.length }, () => data[off++]!);
      return out;
    }
    if (t instanceof NDArray) {
      return new NDArray(
        Float64Array.from({ length: t.size }, () => data[off++]!),
        t.shape,
      );
    }
    if (Array.isArray(t)) return t.map(build);
    if (isPlainObject(t)) return Object.fromEntries(Object.keys(t).map((k) => [k, build(t[k])]));
    throw new Error(`likeTree: ${describe(t)} is not a pytree node`);
  };
  const out = build(template);
  if (off !== data.length) throw new Error(`likeTree: ${data.length} values for a tree of ${off}`);
  return out;
}

/** A tree shaped like `template` with every element NaN: an `…Into` target that must be overwritten. */
export function nanLike(template: unknown): any {
  return likeTree(template, new Float64Array(flatData(template).length).fill(Number.NaN));
}

/** A deep copy of inputs (pytrees, contexts, constants); functions and class instances are kept as they are. */
export function clone<T>(v: T): T {
  if (v instanceof Float64Array) return v.slice() as T;
  if (v instanceof NDArray) return new NDArray(v.data.slice(), v.shape) as T;
  if (Array.isArray(v)) return v.map(clone) as T;
  if (isPlainObject(v)) return Object.fromEntries(Object.keys(v).map((k) => [k, clone(v[k])])) as T;
  return v;
}

/** The first difference between two inputs (exact, NaN equal to NaN), or null when they are identical. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | null {
  if (typeof a === 'number' || typeof b === 'number') {
    return Object.is(a, b) || (a === 0 && b === 0)
      ? null
      : `${path || 'value'}: ${String(b)} became ${String(a)}`;
  }
  if (a instanceof Float64Array || a instanceof NDArray) {
    const same =
      (b instanceof Float64Array || b instanceof NDArray) &&
      a.constructor === b.constructor &&
      shapeText(a) === shapeText(b);
    if (!same) return `${path}: its shape or kind changed`;
    const da = a instanceof NDArray ? a.data : a;
    const db = (b as Float64Array | NDArray) instanceof NDArray ? (b as NDArray).data : (b as Float64Array);
    for (let i = 0; i < da.length; i++) {
      if (!Object.is(da[i], db[i])) return `${path}[${i}]: ${db[i]} became ${da[i]}`;
    }
    return null;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return `${path}: its length changed`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (isPlainObject(a)) {
    if (!isPlainObject(b)) return `${path}: it is no longer an object`;
    const ka = Object.keys(a);
    if (ka.join() !== Object.keys(b).join()) return `${path}: its keys changed`;
    for (const k of ka) {
      const d = firstDifference(a[k], b[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : `${path}: it was replaced`;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function shapeText(v: Float64Array | NDArray): string {
  return v instanceof NDArray ? v.shape.join(',') : String(v.length);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'object') return v.constructor?.name ?? 'object';
  return typeof v;
}
