/** Index sets against JS Sets: unions (pairwise and many), pair sets, on random sorted inputs. */
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { crossPairs, selfPairs, union, unionMany, unionManyPairs } from '../src/sets.js';

const sortedSet = fc
  .uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 12 })
  .map((a) => Int32Array.from(a.sort((x, y) => x - y)));
const sortedUnion = (...sets: ArrayLike<number>[]) =>
  [...new Set(sets.flatMap((s) => Array.from(s)))].sort((x, y) => x - y);

test('union and unionMany equal the sorted union', () => {
  fc.assert(
    fc.property(sortedSet, sortedSet, (a, b) => {
      expect(Array.from(union(a, b))).toEqual(sortedUnion(a, b));
    }),
  );
  fc.assert(
    fc.property(fc.array(sortedSet, { maxLength: 9 }), (sets) => {
      expect(Array.from(unionMany(sets))).toEqual(sortedUnion(...sets));
    }),
  );
});

test('pair sets: every {i, j} once, coded i·n + j with i ≤ j', () => {
  const n = 41;
  const code = (i: number, j: number) => Math.min(i, j) * n + Math.max(i, j);
  fc.assert(
    fc.property(sortedSet, sortedSet, (a, b) => {
      const cross = sortedUnion(Array.from(a).flatMap((i) => Array.from(b, (j) => code(i, j))));
      expect(Array.from(crossPairs(a, b, n))).toEqual(cross);
      const self = sortedUnion(Array.from(a).flatMap((i) => Array.from(a, (j) => code(i, j))));
      expect(Array.from(selfPairs(a, n))).toEqual(self);
      expect(Array.from(unionManyPairs([crossPairs(a, b, n), selfPairs(a, n)]))).toEqual(
        sortedUnion(cross, self),
      );
    }),
  );
});
