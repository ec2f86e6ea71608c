/**
 * Pytree properties on generated trees (fast-check): flatten/unflatten round trips, structure
 * comparison, and the writers behind the `…Into` operators.
 */
import {
  InvalidInputError,
  NDArray,
  StructureMismatchError,
  flatten,
  gradientInto,
  sameStructure,
  unflatten,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { writeInto } from '../src/operators/prepare.js';
import { arr, between, shape } from './support/arbitraries.js';
import { deepCopy } from './support/compare.js';
import { dual } from './support/dual.js';

type T = number | Float64Array | NDArray | T[] | { [k: string]: T };

/** An NDArray that prints as its constructor call in a counterexample. */
function nd(data: Float64Array, s: readonly number[]): NDArray {
  const a = new NDArray(data, s);
  Object.defineProperty(a, fc.toStringMethod, {
    value: () => `new NDArray(${fc.stringify(a.data)}, [${a.shape.join(', ')}])`,
  });
  return a;
}

const element = between(-10, 10);
const leaf: fc.Arbitrary<T> = fc.oneof(
  element,
  fc.array(element, { maxLength: 4 }).map((a) => Float64Array.from(a)),
  shape(0, 3, 3)
    .chain((s) => arr(s, element))
    .map((a) => nd(Float64Array.from(a.data), a.shape)),
);
// Digit keys come first in `Object.keys`, whatever the insertion order: flatten must follow it.
const key = fc.constantFrom('a', 'b', 'W', 'bias', '0', '1', '10');
const { tree } = fc.letrec<{ tree: T; array: T[]; object: { [k: string]: T } }>((tie) => ({
  tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('tree'), { maxLength: 3 }),
  object: fc.dictionary(key, tie('tree'), { maxKeys: 3, noNullPrototype: true }),
}));

const isLeaf = (t: T): t is number | Float64Array | NDArray =>
  typeof t === 'number' || t instanceof Float64Array || t instanceof NDArray;

/** The leaves depth first, object keys in `Object.keys` order: the order flatten promises. */
function leavesOf(t: T): T[] {
  if (isLeaf(t)) return [t];
  if (Array.isArray(t)) return t.flatMap(leavesOf);
  return Object.keys(t).flatMap((k) => leavesOf(t[k]!));
}

/** The tree with every leaf replaced by `f(leaf)`, in fresh containers. */
function mapLeaves(t: T, f: (l: number | Float64Array | NDArray) => T): T {
  if (isLeaf(t)) return f(t);
  if (Array.isArray(t)) return t.map((c) => mapLeaves(c, f));
  return Object.fromEntries(Object.keys(t).map((k) => [k, mapLeaves(t[k]!, f)]));
}

const elementsOf = (l: T): readonly number[] =>
  typeof l === 'number' ? [l] : l instanceof Float64Array ? Array.from(l) : Array.from((l as NDArray).data);

/** A new leaf of the same kind and shape, each element mapped by `f`. */
function mapElements(l: number | Float64Array | NDArray, f: (x: number) => number): T {
  if (typeof l === 'number') return f(l);
  if (l instanceof Float64Array) return l.map(f);
  return nd(l.data.map(f), l.shape);
}

const zerosLike = (t: T) => mapLeaves(t, (l) => mapElements(l, () => 0));

/** Every place of `t` where one edit changes its structure, as a function making the edited copy. */
function edits(t: T): (() => T)[] {
  if (typeof t === 'number') return [() => Float64Array.of(t)];
  if (t instanceof Float64Array) return [() => new Float64Array(t.length + 1)];
  if (t instanceof NDArray) return [() => nd(t.data.slice(), [...t.shape, 1])];
  const inner = (Array.isArray(t) ? t.map((_, i) => i) : Object.keys(t)).flatMap((k) =>
    edits((t as Record<string, T>)[k]!).map((edit) => () => {
      const copy: any = Array.isArray(t) ? [...t] : { ...t };
      copy[k] = edit();
      return copy as T;
    }),
  );
  const here = Array.isArray(t) ? () => [...t, 0] : () => ({ ...t, extra: 0 });
  return [here, ...inner];
}

/** A tree and a copy of it with one structural change. */
const treeAndEdit = fc.tuple(tree, fc.nat()).map(([t, n]) => {
  const all = edits(t);
  return { tree: t, edited: all[n % all.length]!() };
});

const runs = { numRuns: 100 };

describe('flatten and unflatten', () => {
  test('unflatten(flatten(t)) rebuilds t: same containers, keys, leaf kinds and values', () => {
    fc.assert(
      fc.property(tree, (t) => {
        const { def, leaves } = flatten(t);
        const back = unflatten(def, leaves);
        expect(back).toStrictEqual(t);
        if (!isLeaf(t)) expect(back).not.toBe(t);
      }),
      runs,
    );
  });

  test('the leaves come depth first, object keys in Object.keys order, each the object itself', () => {
    fc.assert(
      fc.property(tree, (t) => {
        const { leaves } = flatten(t);
        const expected = leavesOf(t);
        expect(leaves).toHaveLength(expected.length);
        leaves.forEach((l, i) => expect(Object.is(l, expected[i])).toBe(true));
      }),
      runs,
    );
  });

  test('unflatten gives each leaf the kind of the definition, whatever kind it is given as', () => {
    fc.assert(
      fc.property(tree, (t) => {
        const { def, leaves } = flatten(t);
        // Every leaf handed over as a flat Float64Array of its elements.
        const flat = leaves.map((l) => Float64Array.from(elementsOf(l as T)));
        expect(unflatten(def, flat)).toStrictEqual(t);
      }),
      runs,
    );
  });

  test('flatten leaves the tree untouched', () => {
    fc.assert(
      fc.property(tree, (t) => {
        const before = deepCopy(t);
        flatten(t);
        expect(t).toStrictEqual(before);
      }),
      runs,
    );
  });
});

describe('structure comparison', () => {
  const def = (t: unknown) => flatten(t).def;

  test('other leaf values, or a Float64Array as an NDArray of its shape, are the same structure', () => {
    fc.assert(
      fc.property(tree, (t) => {
        const other = mapLeaves(t, (l) =>
          typeof l === 'number'
            ? l + 1
            : l instanceof Float64Array
              ? nd(
                  l.map((x) => -x),
                  [l.length],
                )
              : l,
        );
        expect(sameStructure(def(t), def(other))).toBe(true);
        expect(sameStructure(def(other), def(t))).toBe(true);
      }),
      runs,
    );
  });

  test('object keys in another order are the same structure', () => {
    const reversed = (t: T): T =>
      isLeaf(t)
        ? t
        : Array.isArray(t)
          ? t.map(reversed)
          : Object.fromEntries(
              Object.keys(t)
                .reverse()
                .map((k) => [k, reversed(t[k]!)]),
            );
    fc.assert(
      fc.property(tree, (t) => {
        expect(sameStructure(def(t), def(reversed(t)))).toBe(true);
      }),
      runs,
    );
  });

  test('one changed leaf shape, one more element or one more key is another structure, both ways', () => {
    fc.assert(
      fc.property(treeAndEdit, ({ tree: t, edited }) => {
        expect(sameStructure(def(t), def(edited))).toBe(false);
        expect(sameStructure(def(edited), def(t))).toBe(false);
      }),
      runs,
    );
  });
});

describe('writing results in place (the …Into operators)', () => {
  test('writeInto fills an output of the same structure: arrays in place, numbers in their container', () => {
    fc.assert(
      fc.property(tree, (t) => {
        const { def, leaves } = flatten(t);
        const out = zerosLike(t);
        if (typeof out === 'number') {
          expect(() => writeInto(out, def, leaves)).toThrow(InvalidInputError);
          return;
        }
        const arrays = leavesOf(out).filter((l) => typeof l !== 'number');
        writeInto(out, def, leaves);
        expect(out).toStrictEqual(t);
        leavesOf(out)
          .filter((l) => typeof l !== 'number')
          .forEach((l, i) => expect(l).toBe(arrays[i]));
      }),
      runs,
    );
  });

  test('an output of another structure is refused with nothing written', () => {
    fc.assert(
      fc.property(treeAndEdit, ({ tree: t, edited }) => {
        const { def, leaves } = flatten(t);
        const out = mapLeaves(edited, (l) => mapElements(l, () => 7));
        const before = deepCopy(out);
        expect(() => writeInto(out, def, leaves)).toThrow(StructureMismatchError);
        expect(out).toStrictEqual(before);
      }),
      runs,
    );
  });

  test('gradientInto writes ∇ Σ ‖leaf‖² = 2x into an output shaped like x', () => {
    const f = (x: unknown) => flatten(x).leaves.reduce<m.Value>((s, l) => m.add(s, m.sum(m.square(l))), 0);
    fc.assert(
      fc.property(
        tree.filter((t) => !isLeaf(t) && leavesOf(t).length > 0),
        (t) => {
          const out = zerosLike(t);
          // The tree's type is only known at run time: call through an untyped signature.
          const into = gradientInto as unknown as (out: T, f: (x: unknown) => m.Value, b: unknown, x: T) => T;
          const back = into(out, f, dual(), t);
          expect(back).toBe(out);
          expect(out).toStrictEqual(mapLeaves(t, (l) => mapElements(l, (x) => 2 * x)));
        },
      ),
      { numRuns: 30 },
    );
  });
});
