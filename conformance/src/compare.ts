import type { SparseMatrix } from '@diffint/core';
import { leaves } from './tree.js';

/** What `compare` found: the first problem, or the largest relative error of a match. */
export interface Comparison {
  /** null when the result matches. */
  readonly problem: string | null;
  /** Largest error relative to the reference's scale (NaN when the structures differ). */
  readonly relativeError: number;
}

/**
 * Compares a result with its reference: same structure and leaf kinds, and every element within
 * `tolerance` × max(1, largest finite magnitude in the reference). Scaling by the whole
 * reference, not element by element, keeps tiny entries of a large Jacobian from demanding more
 * digits than the backend's precision holds. A NaN or ±∞ in the reference is IEEE propagation
 * being checked: it is matched only by the same non-finite value; a NaN in a result matches
 * nothing else. An `unspecified` reference leaf checks its kind only.
 */
export function compare(got: unknown, reference: unknown, tolerance: number): Comparison {
  const g = leaves(got);
  const r = leaves(reference);
  const structure = (ls: typeof g) => ls.map((l) => `${l.path}: ${l.kind}`).join('; ');
  if (structure(g) !== structure(r)) {
    return {
      problem: `structure: got { ${structure(g)} }, expected { ${structure(r)} }`,
      relativeError: Number.NaN,
    };
  }
  let scale = 1;
  for (const l of r) for (const v of l.data) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  let where = '';
  for (let i = 0; i < g.length; i++) {
    if (r[i]!.unspecified) continue;
    const a = g[i]!.data;
    const b = r[i]!.data;
    for (let k = 0; k < a.length; k++) {
      const e = elementError(a[k]!, b[k]!, scale);
      if (e > worst) {
        worst = e;
        where = `result${g[i]!.path}${g[i]!.kind === 'number' ? '' : `[${k}]`} is ${a[k]}, expected ${b[k]}`;
      }
    }
  }
  if (worst <= tolerance) return { problem: null, relativeError: worst };
  return {
    problem: `${where} (relative error ${worst.toExponential(2)} > ${tolerance.toExponential(0)})`,
    relativeError: worst,
  };
}

function elementError(got: number, expected: number, scale: number): number {
  if (!Number.isFinite(expected)) return Object.is(got, expected) ? 0 : Number.POSITIVE_INFINITY;
  if (!Number.isFinite(got)) return Number.POSITIVE_INFINITY;
  return Math.abs(got - expected) / scale;
}

/** Where a sparse result's structure differs from the exact pattern (rows of nonzero columns), or null. */
export function comparePattern(got: SparseMatrix, rows: readonly (readonly number[])[]): string | null {
  if (got.shape[0] !== rows.length) return `${got.shape[0]} rows, expected ${rows.length}`;
  for (let i = 0; i < rows.length; i++) {
    const cols = Array.from(got.colIdx.subarray(got.rowPtr[i]!, got.rowPtr[i + 1]!));
    const want = rows[i]!;
    if (cols.length !== want.length || cols.some((c, k) => c !== want[k])) {
      return `row ${i} has nonzeros in columns [${cols.join(', ')}], expected [${want.join(', ')}]`;
    }
  }
  return null;
}
