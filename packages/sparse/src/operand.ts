import type { Shape } from '@diffint/core';
import { type IndexSet, type PairSet, emptyPairs, emptySet, unionManyPairs, unionPairs } from './sets.js';

/**
 * What a sparsity rule sees of an argument: its shape and, per element (row-major), the inputs
 * it depends on (`g`) and the pairs of inputs that interact in it (`h`, second order only).
 * `null` stands for "every element empty": a constant, or a value of another differentiation.
 */
export interface Operand {
  readonly shape: Shape;
  readonly g: readonly IndexSet[] | null;
  readonly h: readonly PairSet[] | null;
}

/** The sets of a rule's output, per element. */
export interface Sets {
  readonly g: IndexSet[];
  readonly h: PairSet[] | null;
}

/** Facts a rule needs: the number of inputs (to code pairs) and whether pairs are tracked. */
export interface RuleContext {
  readonly n: number;
  readonly second: boolean;
}

export function sizeOfShape(s: Shape): number {
  let n = 1;
  for (const d of s) n *= d;
  return n;
}

export const gAt = (a: Operand, k: number): IndexSet => (a.g === null ? emptySet : a.g[k]!);
export const hAt = (a: Operand, k: number): PairSet => (a.h === null ? emptyPairs : a.h[k]!);

/**
 * For each element of `out`, the element of an argument of shape `arg` that broadcasting reads,
 * or null when the shapes are equal (the identity).
 */
export function broadcastMap(arg: Shape, out: Shape): Int32Array | null {
  if (arg.length === out.length && arg.every((d, i) => d === out[i])) return null;
  const size = sizeOfShape(out);
  const map = new Int32Array(size);
  const rank = out.length;
  const offset = rank - arg.length;
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let d = arg.length - 1; d >= 0; d--) {
    strides[d + offset] = arg[d] === 1 ? 0 : stride;
    stride *= arg[d]!;
  }
  const index = new Array<number>(rank).fill(0);
  for (let k = 0; k < size; k++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += index[d]! * strides[d]!;
    map[k] = src;
    for (let d = rank - 1; d >= 0; d--) {
      if (++index[d]! < out[d]!) break;
      index[d] = 0;
    }
  }
  return map;
}

/** Output element k takes argument element map[k] (or nothing where map[k] is -1). */
export function gather(a: Operand, map: Int32Array | null, size: number, ctx: RuleContext): Sets {
  if (map === null) {
    // Element arrays are never mutated once made, so a move that keeps every element shares them.
    return {
      g: a.g === null ? new Array<IndexSet>(size).fill(emptySet) : (a.g as IndexSet[]),
      h: ctx.second ? (a.h === null ? new Array<PairSet>(size).fill(emptyPairs) : (a.h as PairSet[])) : null,
    };
  }
  const g = new Array<IndexSet>(size);
  const h = ctx.second ? new Array<PairSet>(size) : null;
  for (let k = 0; k < size; k++) {
    const src = map[k]!;
    g[k] = src < 0 ? emptySet : gAt(a, src);
    if (h !== null) h[k] = src < 0 ? emptyPairs : hAt(a, src);
  }
  return { g, h };
}

/** Unions the interaction sets of a list of elements, plus extra pairs. */
export function hUnion(parts: readonly PairSet[], extra: PairSet = emptyPairs): PairSet {
  return unionPairs(unionManyPairs(parts), extra);
}
