/**
 * Step sizes. A difference quotient has a truncation error that grows with the step, O(h^order),
 * and a rounding error that shrinks with it, O(ε/h); the standard step balances the two:
 * ε^(1/(order+1)) · max(1, |x|), which is √ε for one-sided and ∛ε for central differences.
 *
 * A difference of differences (a finite difference of a function that itself runs finite
 * differences, as in a Hessian by secondOrder(finiteDiff(), finiteDiff())) divides rounding
 * errors by h² instead of h, so both levels then take ε^(1/(order+2)) (ε^(1/4) for central).
 */
import type { Plain } from '@diffint/core/engine';
import type { Stencil } from './stencil.js';

/** Finite-difference calls in progress. */
let depth = 0;
/** Calls started inside another one: an outer call compares it before and after evaluating f. */
let nestedStarts = 0;

/** Marks the start of a call; returns the mark that `differencesOfDifferences` compares with. */
export function enterCall(): number {
  if (depth > 0) nestedStarts++;
  depth++;
  return nestedStarts;
}

export function leaveCall(): void {
  depth--;
}

/** True when this call runs inside another finite difference, or f has run one since `mark`. */
export function differencesOfDifferences(mark: number): boolean {
  return depth > 1 || nestedStarts !== mark;
}

/** The relative step for a stencil: the user's, or the one that balances the errors. */
export function baseStep(st: Stencil, step: number | undefined, nested: boolean): number {
  if (step !== undefined) return step;
  return Number.EPSILON ** (1 / (st.order + (nested ? 2 : 1)));
}

/** A power of two, so that x ± h and its halvings are exact in floating point. */
function powerOfTwo(v: number): number {
  return 2 ** Math.round(Math.log2(v));
}

/** The step for perturbing one coordinate of value x. */
export function coordinateStep(base: number, x: number): number {
  return powerOfTwo(base * Math.max(1, Math.abs(x)));
}

/**
 * The step h for the direction t: the largest h that moves no coordinate by more than its own
 * coordinate step, h·|tᵢ| ≤ base · max(1, |xᵢ|). For a unit vector it is the coordinate step; a
 * zero direction (which matters only when an outer differentiation varies it) gets the base step.
 * NaN or ±Infinity in x or t give a NaN, infinite or zero step, which propagates into the result.
 */
export function directionalStep(base: number, xs: readonly Plain[], ts: readonly Plain[]): number {
  let scale = Number.POSITIVE_INFINITY;
  let zero = true;
  for (let l = 0; l < xs.length; l++) {
    const x = xs[l]!;
    const t = ts[l]!;
    if (typeof x === 'number') {
      const tv = typeof t === 'number' ? t : elementsOf(t)[0]!;
      if (tv !== 0) {
        zero = false;
        scale = Math.min(scale, Math.max(1, Math.abs(x)) / Math.abs(tv));
      }
      continue;
    }
    const xd = elementsOf(x);
    const td = typeof t === 'number' ? null : elementsOf(t);
    for (let i = 0; i < xd.length; i++) {
      const tv = td === null ? (t as number) : td[i]!;
      if (tv !== 0) {
        zero = false;
        scale = Math.min(scale, Math.max(1, Math.abs(xd[i]!)) / Math.abs(tv));
      }
    }
  }
  return powerOfTwo(base * (zero ? 1 : scale));
}

/** True when every element of the tangent is zero (its derivative is zero without evaluating f). */
export function isZeroTangent(ts: readonly Plain[]): boolean {
  for (const t of ts) {
    if (typeof t === 'number') {
      if (t !== 0) return false;
      continue;
    }
    const d = elementsOf(t);
    for (let i = 0; i < d.length; i++) if (d[i] !== 0) return false;
  }
  return true;
}

/** The elements of an array leaf, without copying. */
export function elementsOf(v: Exclude<Plain, number>): Float64Array {
  return v instanceof Float64Array ? v : v.data;
}
