/**
 * Greedy colorings: distance-1 (of an intersection graph, so distance-2 of the bipartite graph)
 * for Jacobians, star for symmetric Hessians; each tried over vertex orders, the fewest colors
 * winning. Colors are 0, 1, …, ncolors - 1.
 */
import type { Graph } from './graph.js';

/** The vertex orders a greedy coloring can visit. */
export type ColoringOrder = 'natural' | 'largest-first' | 'smallest-last';

/** Every vertex order, in the order a coloring tries them (the fewest colors wins). */
export const coloringOrders: readonly ColoringOrder[] = ['natural', 'largest-first', 'smallest-last'];

/** A coloring: the color of each vertex and how many colors there are. */
export interface Coloring {
  readonly colors: Int32Array;
  readonly ncolors: number;
  /** The order that produced it. */
  readonly order: ColoringOrder;
}

const degree = (g: Graph, v: number) => g.ptr[v + 1]! - g.ptr[v]!;

/** The visiting order of the vertices of `g`. */
export function vertexOrder(g: Graph, order: ColoringOrder): Int32Array {
  const vs = Int32Array.from({ length: g.n }, (_, v) => v);
  if (order === 'natural') return vs;
  if (order === 'largest-first') {
    // A counting sort by degree, descending; ties keep the natural order.
    let maxDeg = 0;
    for (let v = 0; v < g.n; v++) maxDeg = Math.max(maxDeg, degree(g, v));
    const start = new Int32Array(maxDeg + 2);
    for (let v = 0; v < g.n; v++) start[maxDeg - degree(g, v) + 1]!++;
    for (let d = 0; d <= maxDeg; d++) start[d + 1]! += start[d]!;
    for (let v = 0; v < g.n; v++) vs[start[maxDeg - degree(g, v)]!++] = v;
    return vs;
  }
  return smallestLast(g);
}

/**
 * Smallest-last: repeatedly remove a vertex of least degree in what remains; color in reverse
 * removal order. Buckets by current degree make it linear in the graph's size.
 */
function smallestLast(g: Graph): Int32Array {
  const n = g.n;
  const deg = Int32Array.from({ length: n }, (_, v) => degree(g, v));
  let maxDeg = 0;
  for (let v = 0; v < n; v++) maxDeg = Math.max(maxDeg, deg[v]!);
  // Doubly linked buckets of vertices by current degree.
  const head = new Int32Array(maxDeg + 1).fill(-1);
  const next = new Int32Array(n).fill(-1);
  const prev = new Int32Array(n).fill(-1);
  const link = (v: number) => {
    const d = deg[v]!;
    next[v] = head[d]!;
    prev[v] = -1;
    if (head[d]! >= 0) prev[head[d]!] = v;
    head[d] = v;
  };
  const unlink = (v: number) => {
    const d = deg[v]!;
    if (prev[v]! >= 0) next[prev[v]!] = next[v]!;
    else head[d] = next[v]!;
    if (next[v]! >= 0) prev[next[v]!] = prev[v]!;
  };
  for (let v = n - 1; v >= 0; v--) link(v);
  const removed = new Uint8Array(n);
  const order = new Int32Array(n);
  let low = 0;
  for (let pos = n - 1; pos >= 0; pos--) {
    low = Math.max(0, low - 1);
    while (head[low]! < 0) low++;
    const v = head[low]!;
    unlink(v);
    removed[v] = 1;
    order[pos] = v;
    for (let p = g.ptr[v]!; p < g.ptr[v + 1]!; p++) {
      const w = g.adj[p]!;
      if (removed[w]) continue;
      unlink(w);
      deg[w]!--;
      link(w);
    }
  }
  return order;
}

/** Greedy distance-1 coloring: each vertex takes the smallest color no colored neighbor has. */
export function greedyColoring(g: Graph, order: Int32Array): Int32Array {
  const colors = new Int32Array(g.n).fill(-1);
  const forbidden = new Int32Array(g.n + 1).fill(-1);
  for (const v of order) {
    for (let p = g.ptr[v]!; p < g.ptr[v + 1]!; p++) {
      const c = colors[g.adj[p]!]!;
      if (c >= 0) forbidden[c] = v;
    }
    let c = 0;
    while (forbidden[c] === v) c++;
    colors[v] = c;
  }
  return colors;
}

/**
 * Greedy star coloring (a distance-1 coloring in which every path on four vertices has at least
 * three colors), after Gebremedhin, Manne and Pothen's first algorithm: besides the neighbors'
 * colors, v may not take the color of a vertex x two steps away through w when w is uncolored
 * (x would then share v's color across w), nor when x has a neighbor y ≠ w of w's color (v–w–x–y
 * would be a path of four vertices in two colors).
 */
export function starColoring(g: Graph, order: Int32Array): Int32Array {
  const colors = new Int32Array(g.n).fill(-1);
  const forbidden = new Int32Array(g.n + 1).fill(-1);
  for (const v of order) {
    for (let p = g.ptr[v]!; p < g.ptr[v + 1]!; p++) {
      const c = colors[g.adj[p]!]!;
      if (c >= 0) forbidden[c] = v;
    }
    for (let p = g.ptr[v]!; p < g.ptr[v + 1]!; p++) {
      const w = g.adj[p]!;
      const cw = colors[w]!;
      for (let q = g.ptr[w]!; q < g.ptr[w + 1]!; q++) {
        const x = g.adj[q]!;
        const cx = colors[x]!;
        if (x === v || cx < 0) continue;
        if (cw < 0) {
          forbidden[cx] = v;
          continue;
        }
        // v–w–x–y two-colored if v took x's color and x has a neighbor y ≠ w of w's color.
        for (let r = g.ptr[x]!; r < g.ptr[x + 1]!; r++) {
          const y = g.adj[r]!;
          if (y !== w && colors[y] === cw) {
            forbidden[cx] = v;
            break;
          }
        }
      }
    }
    let c = 0;
    while (forbidden[c] === v) c++;
    colors[v] = c;
  }
  return colors;
}

function countColors(colors: Int32Array): number {
  let max = -1;
  for (const c of colors) max = Math.max(max, c);
  return max + 1;
}

/** The coloring with the fewest colors over `orders` (the first such order on a tie). */
export function bestColoring(
  g: Graph,
  kind: 'distance-1' | 'star',
  orders: readonly ColoringOrder[] = coloringOrders,
): Coloring {
  let best: Coloring | null = null;
  for (const order of orders) {
    const vs = vertexOrder(g, order);
    const colors = kind === 'star' ? starColoring(g, vs) : greedyColoring(g, vs);
    const ncolors = countColors(colors);
    if (best === null || ncolors < best.ncolors) best = { colors, ncolors, order };
  }
  return best ?? { colors: new Int32Array(0), ncolors: 0, order: 'natural' };
}
