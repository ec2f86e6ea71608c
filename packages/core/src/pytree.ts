/**
 * Pytrees: nested plain objects and arrays whose leaves are values. Several active inputs are
 * one pytree; a gradient has exactly the structure of its input.
 */
import { describeValue, fixForValue } from './describe.js';
import { InvalidInputError, StructureMismatchError } from './errors.js';
import { Tracer, type Value, shapeOf } from './trace.js';
import { NDArray, type Shape, formatShape, plainData, sameShape } from './values.js';

/** A leaf's kind decides what a result leaf of the same position is returned as. */
export type LeafKind = 'number' | 'float64' | 'ndarray';

/**
 * The structure of a pytree without its values: leaves with their kind and shape, arrays and
 * objects (keys in order) of children. Two inputs match a preparation when their `TreeDef`s do.
 */
export type TreeDef =
  | { readonly type: 'leaf'; readonly kind: LeafKind; readonly shape: Shape }
  | { readonly type: 'array'; readonly children: readonly TreeDef[] }
  | { readonly type: 'object'; readonly keys: readonly string[]; readonly children: readonly TreeDef[] };

/** A pytree whose leaves are values (plain or traced). */
export type Tree = Value | readonly Tree[] | { readonly [key: string]: Tree };

/** A pytree taken apart by `flatten`: its structure and its leaves in order. */
export interface Flat {
  readonly def: TreeDef;
  readonly leaves: Value[];
}

/** The fix for a leaf that is not a value (a number[] leaf is fine: it is a container of scalars). */
function fixForLeaf(v: unknown): string {
  return ArrayBuffer.isView(v) || typeof v !== 'object' || v === null
    ? fixForValue(v)
    : 'Leaves must be numbers, Float64Arrays or NDArrays; containers plain objects or arrays.';
}

/**
 * Flattens a pytree into its leaves (depth first, object keys in insertion order). Anything
 * that is not a number, Float64Array, NDArray, traced value, plain object or dense array is an
 * `InvalidInputError` naming its path.
 */
export function flatten(tree: unknown, name = 'x'): Flat {
  const leaves: Value[] = [];
  const seen = new Set<object>();
  const walk = (v: unknown, path: string): TreeDef => {
    if (typeof v === 'number') {
      leaves.push(v);
      return { type: 'leaf', kind: 'number', shape: [] };
    }
    if (v instanceof Tracer) {
      leaves.push(v);
      const s = v.shape;
      return {
        type: 'leaf',
        kind: s.length === 0 ? 'number' : s.length === 1 ? 'float64' : 'ndarray',
        shape: s,
      };
    }
    if (v instanceof Float64Array) {
      leaves.push(v);
      return { type: 'leaf', kind: 'float64', shape: [v.length] };
    }
    if (v instanceof NDArray) {
      leaves.push(v);
      return { type: 'leaf', kind: 'ndarray', shape: v.shape };
    }
    if (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v)) {
      if (seen.has(v))
        throw new InvalidInputError(
          `${path} refers back to one of its parents (a cycle); pytrees must be trees.`,
        );
      seen.add(v);
      try {
        if (Array.isArray(v)) {
          const children: TreeDef[] = [];
          for (let i = 0; i < v.length; i++) {
            if (!(i in v))
              throw new InvalidInputError(`${path} is a sparse array (no element ${i}); use a dense array.`);
            children.push(walk(v[i], `${path}[${i}]`));
          }
          return { type: 'array', children };
        }
        const proto = Object.getPrototypeOf(v);
        if (proto === Object.prototype || proto === null) {
          const keys = Object.keys(v);
          const children = keys.map((k) => walk((v as Record<string, unknown>)[k], `${path}.${k}`));
          return { type: 'object', keys, children };
        }
      } finally {
        seen.delete(v);
      }
    }
    throw new InvalidInputError(
      `${path} is ${describeValue(v)}, which diffint cannot differentiate. ${fixForLeaf(v)}`,
    );
  };
  const def = walk(tree, name);
  return { def, leaves };
}

/** Rebuilds a pytree of structure `def` from leaves; plain leaves take the kind of `def`'s leaves. */
export function unflatten(def: TreeDef, leaves: readonly Value[]): any {
  let i = 0;
  const build = (d: TreeDef): unknown => {
    if (d.type === 'leaf') return asKind(leaves[i++]!, d);
    if (d.type === 'array') return d.children.map(build);
    const out: Record<string, unknown> = {};
    d.keys.forEach((k, j) => {
      out[k] = build(d.children[j]!);
    });
    return out;
  };
  return build(def);
}

/** A value as a leaf of `def`'s kind: a plain value of another kind is rewrapped (sharing data). */
export function asKind(v: Value, def: TreeDef & { type: 'leaf' }): Value {
  if (v instanceof Tracer) return v;
  const data = typeof v === 'number' ? null : plainData(v);
  if (def.kind === 'number') return typeof v === 'number' ? v : data![0]!;
  const d = data ?? Float64Array.of(v as number);
  if (def.kind === 'float64') return d;
  return new NDArray(d, def.shape);
}

export function leafDefs(def: TreeDef): (TreeDef & { type: 'leaf' })[] {
  if (def.type === 'leaf') return [def];
  return def.children.flatMap(leafDefs);
}

/**
 * True when two definitions have the same containers, keys and leaf shapes (leaf kinds may
 * differ, and object keys may come in another order).
 */
export function sameStructure(a: TreeDef, b: TreeDef): boolean {
  if (a.type !== b.type) return false;
  if (a.type === 'leaf') return sameShape(a.shape, (b as typeof a).shape);
  const bc = (b as typeof a).children;
  if (a.children.length !== bc.length) return false;
  if (a.type === 'object') {
    const bk = (b as typeof a).keys;
    return a.keys.every((k, i) => {
      const j = bk[i] === k ? i : bk.indexOf(k);
      return j >= 0 && sameStructure(a.children[i]!, bc[j]!);
    });
  }
  return a.children.every((c, i) => sameStructure(c, bc[i]!));
}

/** The leaves of `tree` (known to have the structure `def`) in the order of `def`. */
function leavesInOrderOf(tree: unknown, def: TreeDef, out: Value[]): Value[] {
  if (def.type === 'leaf') out.push(tree as Value);
  else if (def.type === 'array')
    def.children.forEach((c, i) => leavesInOrderOf((tree as unknown[])[i], c, out));
  else
    def.keys.forEach((k, i) => leavesInOrderOf((tree as Record<string, unknown>)[k], def.children[i]!, out));
  return out;
}

/** A short description of a structure, for error messages. */
export function describeStructure(d: TreeDef): string {
  if (d.type === 'leaf')
    return d.kind === 'number'
      ? 'number'
      : `${d.kind === 'float64' ? 'Float64Array' : 'NDArray'}${formatShape(d.shape)}`;
  if (d.type === 'array') return `[${d.children.map(describeStructure).join(', ')}]`;
  return `{ ${d.keys.map((k, i) => `${k}: ${describeStructure(d.children[i]!)}`).join(', ')} }`;
}

/** Flattens `tree` and checks it has the structure `def`, or throws `StructureMismatchError` naming `name`. */
export function flattenLike(tree: unknown, def: TreeDef, name: string, reference: string): Value[] {
  const flat = flatten(tree, name);
  if (!sameStructure(flat.def, def)) {
    throw new StructureMismatchError(
      `${name} has structure ${describeStructure(flat.def)} but ${reference} has ${describeStructure(def)}; ` +
        'they must match (same keys, same array lengths, same leaf shapes).',
    );
  }
  return leavesInOrderOf(tree, def, []);
}

export { shapeOf };

/**
 * Writes the leaves of `tree`, in the order of `def`, into `out` from index `at` when `tree` has
 * exactly the structure `def` (the same containers, keys and leaf shapes), returning the index
 * after the last; -1 otherwise (with part of `out` written). Builds nothing: what a prepared
 * call checks its x with.
 */
export function matchLeaves(tree: unknown, def: TreeDef, out: Value[], at = 0): number {
  if (def.type === 'leaf') {
    if (typeof tree === 'number') {
      if (def.shape.length !== 0) return -1;
    } else if (tree instanceof Float64Array) {
      if (def.shape.length !== 1 || def.shape[0] !== tree.length) return -1;
    } else if (tree instanceof NDArray || tree instanceof Tracer) {
      if (!sameShape(tree.shape, def.shape)) return -1;
    } else return -1;
    out[at] = tree as Value;
    return at + 1;
  }
  if (typeof tree !== 'object' || tree === null || ArrayBuffer.isView(tree)) return -1;
  const children = def.children;
  if (def.type === 'array') {
    if (!Array.isArray(tree) || tree.length !== children.length) return -1;
    for (let i = 0; i < children.length && at >= 0; i++) {
      at = i in tree ? matchLeaves(tree[i], children[i]!, out, at) : -1;
    }
    return at;
  }
  if (Array.isArray(tree)) return -1;
  const proto = Object.getPrototypeOf(tree);
  if (proto !== Object.prototype && proto !== null) return -1;
  const keys = def.keys;
  let n = 0;
  for (const _ in tree) n++;
  if (n !== keys.length) return -1;
  const record = tree as Record<string, unknown>;
  for (let i = 0; i < keys.length && at >= 0; i++) {
    const k = keys[i]!;
    at = Object.hasOwn(record, k) ? matchLeaves(record[k], children[i]!, out, at) : -1;
  }
  return at;
}
