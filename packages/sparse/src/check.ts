/**
 * Independent checks of colorings, straight from the definitions on the pattern (not from the
 * graphs the colorings are computed on): what the tests, and a user with a coloring of their
 * own, verify a coloring against.
 */
import type { Structure } from './graph.js';
import { transposeStructure } from './graph.js';

/** No row has two nonzero columns of one color: every compressed column can be decompressed. */
export function isColumnOrthogonal(s: Structure, colors: Int32Array): boolean {
  if (colors.length !== s.shape[1]) return false;
  for (let i = 0; i < s.shape[0]; i++) {
    const seen = new Set<number>();
    for (let k = s.rowPtr[i]!; k < s.rowPtr[i + 1]!; k++) {
      const c = colors[s.colIdx[k]!]!;
      if (c < 0 || seen.has(c)) return false;
      seen.add(c);
    }
  }
  return true;
}

/** No column has two nonzero rows of one color (the same check on the transpose). */
export function isRowOrthogonal(s: Structure, colors: Int32Array): boolean {
  return isColumnOrthogonal(transposeStructure(s), colors);
}

/**
 * A symmetric coloring from which a Hessian can be decompressed (symmetrically orthogonal, after
 * Coleman and Moré): neighbors differ in color, and for every nonzero (i, j) either j is the only
 * column of its color in row i or i is the only column of its color in row j.
 */
export function isSymmetricallyOrthogonal(s: Structure, colors: Int32Array): boolean {
  const n = s.shape[0];
  if (colors.length !== n || s.shape[1] !== n) return false;
  const uniqueIn = (row: number, col: number) => {
    let count = 0;
    for (let k = s.rowPtr[row]!; k < s.rowPtr[row + 1]!; k++)
      if (colors[s.colIdx[k]!] === colors[col]) count++;
    return count === 1;
  };
  for (let i = 0; i < n; i++) {
    for (let k = s.rowPtr[i]!; k < s.rowPtr[i + 1]!; k++) {
      const j = s.colIdx[k]!;
      if (colors[j]! < 0) return false;
      if (i === j) continue;
      if (colors[i] === colors[j]) return false;
      if (!uniqueIn(i, j) && !uniqueIn(j, i)) return false;
    }
  }
  return true;
}

/**
 * A star coloring of the adjacency graph of a symmetric pattern: a distance-1 coloring in which
 * no path on four vertices uses only two colors. Checked by walking every such path.
 */
export function isStarColoring(s: Structure, colors: Int32Array): boolean {
  const n = s.shape[0];
  if (colors.length !== n) return false;
  const neighbors = (v: number) => {
    const out: number[] = [];
    for (let k = s.rowPtr[v]!; k < s.rowPtr[v + 1]!; k++) if (s.colIdx[k] !== v) out.push(s.colIdx[k]!);
    return out;
  };
  for (let v = 0; v < n; v++) {
    for (const w of neighbors(v)) {
      if (colors[v] === colors[w]) return false;
      for (const x of neighbors(w)) {
        if (x === v || colors[x] !== colors[v]) continue;
        for (const y of neighbors(x)) if (y !== w && y !== v && colors[y] === colors[w]) return false;
      }
    }
  }
  return true;
}
