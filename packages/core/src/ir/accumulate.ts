/**
 * Sums of padded terms accumulated in place. The adjoint of a slice is a pad, so the backward
 * pass of stencil code (x[1:] and x[:-1] both read) adds padded arrays: `add(pad(a), pad(b))`.
 * Rather than materialise `a` and `b`, pad them in a loop over the full size and add, each term is
 * added into the result at its offset inside the loop that computes it (`g[i + 1] += a_i`), the
 * way a hand-written gradient accumulates.
 *
 * Exactly what the kernels compute: the eager sum is a left fold over the terms with +0 where a
 * pad is out of range. Floating-point addition is commutative (not associative), and adding +0
 * changes only a -0 running sum (to +0) wherever it happens; so an element starts at -0 where
 * every term is in range (`-0 + t` is `t`) and at +0 elsewhere, and the terms must arrive in the
 * fold's order (the first two in either order). A term arrives by its loop, then by its
 * iteration (the term with the larger offset comes first), then by its place in the loop body;
 * a sum whose order differs is left as it is.
 */
import { sameShape, sizeOf } from '../values.js';
import type { Program } from './program.js';
import type { Step } from './schedule.js';

/** An array accumulated in place by the loops that compute its terms. */
export interface Accumulation {
  /** The variable: the root of a sum of pads. */
  readonly out: number;
  readonly size: number;
  /** Elements in [lo, hi) start at -0 (every term covers them), the others at +0. */
  readonly lo: number;
  readonly hi: number;
  /** The step before which it is initialised: the first loop that adds into it. */
  readonly first: number;
}

/** One term of an accumulation, added by the loop that computes `from`. */
export interface Contribution {
  readonly into: number;
  readonly offset: number;
}

/** The accumulations of a schedule, the terms each loop adds, and the equations they replace. */
export interface Accumulations {
  readonly list: readonly Accumulation[];
  /** Per variable computed in a loop: the accumulations it adds into, in order. */
  readonly contributions: ReadonlyMap<number, readonly Contribution[]>;
  /** Per equation: replaced (an add or a pad of an accumulated sum), not run. */
  readonly replaced: Uint8Array;
}

interface Term {
  readonly x: number;
  readonly lo: number;
}

/**
 * Finds the sums of pads that can be accumulated in place: each pad's argument computed in a
 * loop of its own size (not a running sum), each pad and inner add read only by the sum.
 */
export function accumulations(
  p: Program,
  steps: readonly Step[],
  stepOf: Int32Array,
  isSum: Uint8Array,
): Accumulations {
  const nv = p.shapes.length;
  const uses = new Int32Array(nv);
  for (const e of p.eqns) for (const a of e.args) uses[a]!++;
  for (const v of p.outputs) uses[v] = uses[v]! + 2;
  const producer = new Int32Array(nv).fill(-1);
  p.eqns.forEach((e, j) => {
    producer[e.out] = j;
  });
  const place = new Int32Array(p.eqns.length).fill(-1);
  for (const st of steps) if (st.kind === 'loop') st.eqns.forEach((j, k) => (place[j] = k));
  const replaced = new Uint8Array(p.eqns.length);
  const list: Accumulation[] = [];
  const contributions = new Map<number, Contribution[]>();
  const prim = (v: number) => {
    const j = producer[v]!;
    return j < 0 ? '' : p.eqns[j]!.prim.name;
  };
  /** A pad read only by the sum, of a value a loop of its size computes: its term, or null. */
  const term = (v: number): Term | null => {
    if (prim(v) !== 'pad' || uses[v] !== 1) return null;
    const e = p.eqns[producer[v]!]!;
    const x = e.args[0]!;
    const s = stepOf[x]!;
    const st = s >= 0 ? steps[s]! : null;
    const shape = p.shapes[x]!;
    if (st?.kind !== 'loop' || isSum[x] || st.size !== sizeOf(shape) || place[producer[x]!]! < 0) return null;
    const { before } = e.params as { before: number };
    return { x, lo: before * sizeOf(shape.slice(1)) };
  };
  for (let j = p.eqns.length - 1; j >= 0; j--) {
    const root = p.eqns[j]!;
    if (root.prim.name !== 'add' || replaced[j] || place[j]! < 0) continue;
    const shape = p.shapes[root.out]!;
    // The terms, last first, and the equations they replace.
    const terms: Term[] = [];
    const eqns: number[] = [];
    let v = root.out;
    let ok = true;
    while (ok) {
      const e = p.eqns[producer[v]!]!;
      eqns.push(producer[v]!);
      const [a, b] = e.args as [number, number];
      if (!sameShape(p.shapes[a]!, shape) || !sameShape(p.shapes[b]!, shape)) ok = false;
      else {
        const inner = (u: number) => u !== root.out && prim(u) === 'add' && uses[u] === 1;
        const ta = term(a);
        const tb = term(b);
        if (ta !== null && tb !== null) {
          terms.push(tb, ta);
          for (const u of [a, b]) eqns.push(producer[u]!);
          break;
        }
        // add(chain, pad) or add(pad, chain): the chain's terms, then the pad (add commutes).
        const last = ta ?? tb;
        const rest = ta !== null ? b : a;
        if (last === null || !inner(rest) || place[producer[rest]!]! < 0) ok = false;
        else {
          terms.push(last);
          eqns.push(producer[ta !== null ? a : b]!);
          v = rest;
        }
      }
    }
    if (!ok) continue;
    terms.reverse();
    if (!inFoldOrder(terms, stepOf, producer, place)) continue;
    const size = sizeOf(shape);
    let lo = 0;
    let hi = size;
    let first = steps.length;
    for (const t of terms) {
      lo = Math.max(lo, t.lo);
      hi = Math.min(hi, t.lo + sizeOf(p.shapes[t.x]!));
      first = Math.min(first, stepOf[t.x]!);
    }
    for (const k of eqns) replaced[k] = 1;
    list.push({ out: root.out, size, lo, hi: Math.max(lo, hi), first });
    for (const t of terms) {
      let c = contributions.get(t.x);
      if (c === undefined) contributions.set(t.x, (c = []));
      c.push({ into: root.out, offset: t.lo });
    }
  }
  return { list, contributions, replaced };
}

/** Whether the terms arrive in the order of the fold (the first two in either order). */
function inFoldOrder(
  terms: readonly Term[],
  stepOf: Int32Array,
  producer: Int32Array,
  place: Int32Array,
): boolean {
  const key = (t: Term) => [stepOf[t.x]!, -t.lo, place[producer[t.x]!]!] as const;
  const before = (a: Term, b: Term) => {
    const ka = key(a);
    const kb = key(b);
    for (let k = 0; k < 3; k++) if (ka[k] !== kb[k]) return ka[k]! < kb[k]!;
    return false;
  };
  for (let k = 2; k < terms.length; k++) {
    // No earlier term arrives after this one (equal keys: the same value at the same time).
    for (let l = 0; l < k; l++) if (before(terms[k]!, terms[l]!)) return false;
  }
  return true;
}
