/**
 * The graphs colorings are computed on, from a sparsity pattern (CSR structure). Columns that
 * share a row cannot share a color (a compressed column would mix them), so column coloring is
 * distance-1 coloring of the column intersection graph (distance-2 in the bipartite graph of
 * rows and columns); rows likewise; a symmetric Hessian is colored on its adjacency graph.
 */

/** The structure of a sparse matrix: rows × cols, CSR. */
export interface Structure {
  readonly shape: readonly [number, number];
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
}

/** An undirected graph without self-loops, as CSR adjacency lists (each edge listed both ways). */
export interface Graph {
  readonly n: number;
  readonly ptr: Int32Array;
  readonly adj: Int32Array;
}

/** The transposed structure (columns × rows). */
export function transposeStructure(s: Structure): Structure {
  const [rows, cols] = s.shape;
  const count = new Int32Array(cols + 1);
  for (let k = 0; k < s.colIdx.length; k++) count[s.colIdx[k]! + 1]!++;
  for (let j = 0; j < cols; j++) count[j + 1]! += count[j]!;
  const rowPtr = count.slice();
  const colIdx = new Int32Array(s.colIdx.length);
  const next = count.slice(0, cols);
  for (let i = 0; i < rows; i++) {
    for (let k = s.rowPtr[i]!; k < s.rowPtr[i + 1]!; k++) colIdx[next[s.colIdx[k]!]!++] = i;
  }
  return { shape: [cols, rows], rowPtr, colIdx };
}

/** Columns j ≠ k are adjacent when some row has both. */
export function columnIntersectionGraph(s: Structure): Graph {
  const t = transposeStructure(s);
  const n = s.shape[1];
  const mark = new Int32Array(n).fill(-1);
  const ptr = new Int32Array(n + 1);
  const adj: number[] = [];
  for (let j = 0; j < n; j++) {
    mark[j] = j;
    for (let p = t.rowPtr[j]!; p < t.rowPtr[j + 1]!; p++) {
      const i = t.colIdx[p]!;
      for (let q = s.rowPtr[i]!; q < s.rowPtr[i + 1]!; q++) {
        const k = s.colIdx[q]!;
        if (mark[k] !== j) {
          mark[k] = j;
          adj.push(k);
        }
      }
    }
    ptr[j + 1] = adj.length;
  }
  return { n, ptr, adj: Int32Array.from(adj) };
}

/** Rows i ≠ k are adjacent when some column has both. */
export function rowIntersectionGraph(s: Structure): Graph {
  return columnIntersectionGraph(transposeStructure(s));
}

/** The adjacency graph of a square pattern: i ~ j for every off-diagonal nonzero. */
export function adjacencyGraph(s: Structure): Graph {
  const n = s.shape[0];
  const ptr = new Int32Array(n + 1);
  const adj: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let k = s.rowPtr[i]!; k < s.rowPtr[i + 1]!; k++) if (s.colIdx[k] !== i) adj.push(s.colIdx[k]!);
    ptr[i + 1] = adj.length;
  }
  return { n, ptr, adj: Int32Array.from(adj) };
}

/** Whether a square structure is symmetric. */
export function isSymmetric(s: Structure): boolean {
  if (s.shape[0] !== s.shape[1]) return false;
  const t = transposeStructure(s);
  if (t.colIdx.length !== s.colIdx.length) return false;
  for (let i = 0; i < s.rowPtr.length; i++) if (t.rowPtr[i] !== s.rowPtr[i]) return false;
  for (let k = 0; k < s.colIdx.length; k++) if (t.colIdx[k] !== s.colIdx[k]) return false;
  return true;
}
