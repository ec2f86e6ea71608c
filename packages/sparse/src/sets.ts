/**
 * Index sets as sorted arrays without repeats, never mutated once made (so ops that move values
 * around — reshape, slice, a buffer read — share them instead of copying).
 *
 * First-order sets hold input indices. Second-order (interaction) sets hold pairs i ≤ j of input
 * indices, coded as i · n + j in a float64 (exact while n² < 2⁵³).
 */
export type IndexSet = Int32Array;
/** A second-order interaction set: pairs i ≤ j coded as i · n + j. */
export type PairSet = Float64Array;

export const emptySet: IndexSet = new Int32Array(0);
export const emptyPairs: PairSet = new Float64Array(0);

type Sorted = Int32Array | Float64Array;

function merge<T extends Sorted>(a: T, b: T, make: (n: number) => T): T {
  if (a === b || b.length === 0) return a;
  if (a.length === 0) return b;
  // Count first, so that the result is allocated once at its size (and a subset is shared).
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x <= y) i++;
    if (y <= x) j++;
    k++;
  }
  k += a.length - i + (b.length - j);
  if (k === a.length) return a;
  if (k === b.length) return b;
  const out = make(k);
  i = 0;
  j = 0;
  k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x <= y) {
      out[k++] = x;
      i++;
      if (x === y) j++;
    } else {
      out[k++] = y;
      j++;
    }
  }
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

const makeInt = (n: number) => new Int32Array(n);
const makeFloat = (n: number) => new Float64Array(n);

export function union(a: IndexSet, b: IndexSet): IndexSet {
  return merge(a, b, makeInt);
}

export function unionPairs(a: PairSet, b: PairSet): PairSet {
  return merge(a, b, makeFloat);
}

/** The union of many sets at once: one sort instead of a chain of merges. */
function unionAll<T extends Sorted>(sets: readonly T[], empty: T, make: (n: number) => T): T {
  let total = 0;
  let nonEmpty: T | null = null;
  let count = 0;
  for (const s of sets) {
    if (s.length === 0 || s === nonEmpty) continue;
    total += s.length;
    nonEmpty = s;
    count++;
  }
  if (count === 0) return empty;
  if (count === 1) return nonEmpty!;
  if (count <= 4) {
    let acc = empty;
    for (const s of sets) acc = merge(acc, s, make);
    return acc;
  }
  const all = make(total);
  let k = 0;
  for (const s of sets) {
    all.set(s, k);
    k += s.length;
  }
  all.sort();
  let w = 0;
  for (let r = 0; r < all.length; r++) if (r === 0 || all[r] !== all[w - 1]) all[w++] = all[r]!;
  return all.subarray(0, w) as T;
}

export function unionMany(sets: readonly IndexSet[]): IndexSet {
  return unionAll(sets, emptySet, makeInt);
}

export function unionManyPairs(sets: readonly PairSet[]): PairSet {
  return unionAll(sets, emptyPairs, makeFloat);
}

/** Every pair {i, j} with i in a and j in b, coded for n inputs. */
export function crossPairs(a: IndexSet, b: IndexSet, n: number): PairSet {
  if (a.length === 0 || b.length === 0) return emptyPairs;
  const out: number[] = [];
  for (let p = 0; p < a.length; p++) {
    const i = a[p]!;
    for (let q = 0; q < b.length; q++) {
      const j = b[q]!;
      out.push(i <= j ? i * n + j : j * n + i);
    }
  }
  const sorted = Float64Array.from(out).sort();
  let w = 0;
  for (let r = 0; r < sorted.length; r++)
    if (w === 0 || sorted[r] !== sorted[w - 1]) sorted[w++] = sorted[r]!;
  return sorted.subarray(0, w);
}

/** Every pair i ≤ j of elements of a. */
export function selfPairs(a: IndexSet, n: number): PairSet {
  if (a.length === 0) return emptyPairs;
  const out = new Float64Array((a.length * (a.length + 1)) / 2);
  let k = 0;
  // Sorted as written: a is sorted and every code of a[p] is below every code of a[p + 1].
  for (let p = 0; p < a.length; p++) for (let q = p; q < a.length; q++) out[k++] = a[p]! * n + a[q]!;
  return out;
}

/** The unit set {i}. */
export function single(i: number): IndexSet {
  return Int32Array.of(i);
}
