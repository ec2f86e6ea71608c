/**
 * Pytrees: flatten/unflatten round trips, structure equality, and an InvalidInputError naming
 * the path of anything that is not a value or a plain container.
 */
import { InvalidInputError, NDArray, flatten, sameStructure, unflatten } from '@diffint/core';
import { matchLeaves } from '../src/pytree.js';
import { describe, expect, test } from 'vitest';

const W = NDArray.from([
  [1, 2],
  [3, 4],
]);
const deep = Float64Array.of(7, 8, 9);
const nested = () => ({
  layers: [
    { W: NDArray.from([[1, 2]]), b: Float64Array.of(0.5) },
    { W: NDArray.from([[3], [4]]), b: Float64Array.of(-1, -2) },
  ],
  scale: 2,
  extra: [[1, 2], { deep: [deep] }],
});

describe('flatten and unflatten', () => {
  test('a leaf is its own tree', () => {
    for (const leaf of [3, Float64Array.of(1, 2), W]) {
      const { def, leaves } = flatten(leaf);
      expect(leaves).toEqual([leaf]);
      expect(unflatten(def, leaves)).toStrictEqual(leaf);
    }
  });

  test('nested objects and arrays round trip, leaves depth first in key order', () => {
    const tree = nested();
    const { def, leaves } = flatten(tree);
    expect(leaves).toEqual([
      tree.layers[0]!.W,
      tree.layers[0]!.b,
      tree.layers[1]!.W,
      tree.layers[1]!.b,
      2,
      1,
      2,
      deep,
    ]);
    const back = unflatten(def, leaves);
    expect(back).toStrictEqual(tree);
    expect(back).not.toBe(tree);
    expect(back.layers[0].W).toBeInstanceOf(NDArray);
    expect(back.layers[0].b).toBeInstanceOf(Float64Array);
  });

  test('unflatten gives each new leaf the kind of the definition', () => {
    const { def } = flatten({ s: 1, v: Float64Array.of(1, 2), M: W });
    const back = unflatten(def, [
      Float64Array.of(5),
      new NDArray(Float64Array.of(1, 2), [2, 1]),
      Float64Array.of(1, 2, 3, 4),
    ]);
    expect(back.s).toBe(5);
    expect(back.v).toEqual(Float64Array.of(1, 2));
    expect(back.v).toBeInstanceOf(Float64Array);
    expect(back.M).toBeInstanceOf(NDArray);
    expect(back.M.shape).toEqual([2, 2]);
  });

  test('empty containers and objects without a prototype are trees', () => {
    const bare = Object.assign(Object.create(null), { a: 1 });
    const tree = { e: [], o: {}, bare };
    const { def, leaves } = flatten(tree);
    expect(leaves).toEqual([1]);
    expect(unflatten(def, leaves)).toEqual({ e: [], o: {}, bare: { a: 1 } });
  });

  test('a subtree shared by two branches is not a cycle', () => {
    const shared = [Float64Array.of(1), 2];
    const { leaves } = flatten({ a: shared, b: shared });
    expect(leaves).toHaveLength(4);
  });

  test('flatten leaves the tree untouched', () => {
    const tree = nested();
    flatten(tree);
    expect(tree).toStrictEqual(nested());
  });
});

describe('structure equality', () => {
  const def = (t: unknown) => flatten(t).def;

  test('same containers, keys and leaf shapes are the same structure, whatever the leaf values', () => {
    expect(sameStructure(def(nested()), def(nested()))).toBe(true);
    expect(
      sameStructure(def({ a: [1, Float64Array.of(1, 2)] }), def({ a: [9, Float64Array.of(3, 4)] })),
    ).toBe(true);
  });

  test('a different key, length, container or leaf shape is another structure', () => {
    const base = def({ a: 1, b: Float64Array.of(1, 2) });
    expect(sameStructure(base, def({ a: 1, c: Float64Array.of(1, 2) }))).toBe(false);
    expect(sameStructure(base, def({ a: 1, b: Float64Array.of(1, 2, 3) }))).toBe(false);
    expect(sameStructure(base, def({ a: 1 }))).toBe(false);
    expect(sameStructure(base, def([1, Float64Array.of(1, 2)]))).toBe(false);
    expect(sameStructure(def([1, 2]), def([1, 2, 3]))).toBe(false);
    expect(sameStructure(def(W), def(new NDArray(W.data, [4, 1])))).toBe(false);
    expect(sameStructure(def(1), def(Float64Array.of(1)))).toBe(false);
  });

  test('a Float64Array and an NDArray of the same shape are one structure (leaf kinds may differ)', () => {
    expect(sameStructure(def(Float64Array.of(1, 2)), def(new NDArray(Float64Array.of(1, 2), [2])))).toBe(
      true,
    );
  });
});

describe('what is not a pytree is an InvalidInputError naming its path', () => {
  const rejects = (tree: unknown, path: RegExp, fix?: RegExp) => {
    let error: unknown;
    try {
      flatten(tree);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as Error).message).toMatch(path);
    if (fix) expect((error as Error).message).toMatch(fix);
  };

  test('a string', () => {
    rejects({ a: [1, 'two'] }, /x\.a\[1\] is a string/, /Parse it into a number/);
  });

  test('a Float32Array, with the conversion that fixes it', () => {
    rejects({ w: new Float32Array(3) }, /x\.w is a Float32Array of length 3/, /Float64Array\.from\(…\)/);
    rejects(new Int32Array(2), /^x is an Int32Array/, /Float64Array\.from/);
  });

  test('a sparse array', () => {
    // biome-ignore lint/suspicious/noSparseArray: the point of the test
    rejects({ p: [1, , 3] }, /x\.p is a sparse array \(no element 1\)/);
  });

  test('a cycle', () => {
    const a: Record<string, unknown> = { v: 1 };
    a.self = { back: a };
    rejects(a, /x\.self\.back refers back/);
  });

  test('class instances', () => {
    class Params {
      w = 1;
    }
    rejects({ p: new Params() }, /x\.p is an object of class Params/);
    rejects([new Map()], /x\[0\] is an object of class Map/);
    rejects({ d: new Date(0) }, /x\.d is an object of class Date/);
  });

  test('null, undefined, booleans, bigints and functions', () => {
    rejects({ a: null }, /x\.a is null/);
    rejects({ a: undefined }, /x\.a is undefined/);
    rejects([true], /x\[0\] is a boolean/);
    rejects({ n: 3n }, /x\.n is a bigint/, /Number\(v\)/);
    rejects({ f: () => 1 }, /x\.f is a function/);
  });

  test('the name given to flatten starts the path', () => {
    expect(() => flatten({ a: 'x' }, 'tangents[0]')).toThrow(/tangents\[0\]\.a is a string/);
  });
});

describe('matchLeaves: the check of a prepared call, without building a structure', () => {
  const def = flatten({ w: W, b: [1, deep] }).def;
  const match = (tree: unknown) => {
    const out: unknown[] = [];
    const n = matchLeaves(tree, def, out as never);
    return n < 0 ? null : out.slice(0, n);
  };

  test('the same structure gives the leaves in the order of the definition (keys in any order)', () => {
    const w = NDArray.from([
      [0, 0],
      [0, 1],
    ]);
    const d = Float64Array.of(1, 2, 3);
    expect(match({ w, b: [5, d] })).toEqual([w, 5, d]);
    expect(match({ b: [5, d], w })).toEqual([w, 5, d]);
  });

  test('anything flatten and sameStructure would tell apart is a mismatch', () => {
    expect(match({ w: W, b: [1, Float64Array.of(1, 2)] })).toBeNull(); // a leaf shape
    expect(match({ w: W, b: [1, deep], c: 1 })).toBeNull(); // an extra key
    expect(match({ w: W, c: [1, deep] })).toBeNull(); // another key
    expect(match({ w: W, b: [1] })).toBeNull(); // an array length
    expect(match({ w: W, b: { 0: 1, 1: deep } })).toBeNull(); // an object for an array
    expect(match({ w: W, b: [Float64Array.of(1), deep] })).toBeNull(); // a [1] array for a number
    expect(match(new (class {})())).toBeNull(); // not a plain object
    // biome-ignore lint/suspicious/noSparseArray: the case under test
    expect(match({ w: W, b: [, deep] })).toBeNull(); // a hole
  });
});
