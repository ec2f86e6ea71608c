/**
 * `sparse(backend)`: Jacobians and Hessians by compressed evaluation. At preparation the pattern
 * is detected (or given) and colored; each call then runs one pushforward per column color (a
 * forward engine), one pullback per row color (a reverse engine) or one Hessian-vector product
 * per star color, and reads each structural nonzero out of the compressed results.
 */
import {
  type Backend,
  InvalidInputError,
  type MatrixBackend,
  type MatrixPlan,
  NDArray,
  NestingError,
  ShapeMismatchError,
  SparseMatrix,
} from '@diffint/core';
import {
  type Engine,
  type LeafFn,
  type PrepKey,
  type Probe,
  Tracer,
  type Value,
  hvpValues,
  pullbackValues,
  pushforwardValues,
  shapeOf,
} from '@diffint/core/engine';
import { type ColoringOrder, bestColoring, coloringOrders } from './coloring.js';
import { detectHessianPattern, detectJacobianPattern } from './detect.js';
import { adjacencyGraph, columnIntersectionGraph, isSymmetric, rowIntersectionGraph } from './graph.js';
import { sizeOfShape } from './operand.js';

/** Finds the sparsity pattern of f's Jacobian or Hessian (a `SparseMatrix` with values 1). */
export interface Detector {
  readonly name: string;
  /** The Jacobian's sparsity pattern of the probed f at (the shapes of) xs. */
  jacobian(probe: Probe, xs: readonly Value[]): SparseMatrix;
  /** The Hessian's sparsity pattern of the probed scalar f. */
  hessian(probe: Probe, xs: readonly Value[]): SparseMatrix;
}

/** The default detector: global patterns, valid for every x, by running f on index-set tracers. */
export function tracerDetector(): Detector {
  return { name: 'tracer', jacobian: detectJacobianPattern, hessian: detectHessianPattern };
}

/** Options of `sparse(backend, options)`. */
export interface SparseOptions {
  /** How the pattern is found (default `tracerDetector()`); ignored when `pattern` is given. */
  readonly detector?: Detector;
  /**
   * The pattern itself, instead of detection: a `SparseMatrix` whose structural nonzeros are
   * every entry that may be nonzero at any x (its values are ignored). A Hessian's must be symmetric.
   */
  readonly pattern?: SparseMatrix;
  readonly coloring?: {
    /** The vertex orders tried; the coloring with the fewest colors wins (default: all three). */
    readonly orders?: readonly ColoringOrder[];
    /**
     * Compress a Jacobian's columns (pushforwards) or rows (pullbacks); by default what the
     * engine is best at (its `mode`).
     */
    readonly partition?: 'column' | 'row';
  };
}

/** A backend computing Jacobians and Hessians as `SparseMatrix`es; other operators run on `inner`. */
export interface SparseBackend extends MatrixBackend {
  readonly inner: Backend;
}

/** Tangents per pushforward or pullback call: colors beyond it start another pass. */
const maxBatch = 64;

/** Wraps `backend` so that `jacobian` and `hessian` are sparse (see the package README). */
export function sparse(backend: Backend, options: SparseOptions = {}): SparseBackend {
  if ((backend as { kind?: unknown } | null)?.kind !== 'engine' && backend?.kind !== 'second-order') {
    throw new InvalidInputError(
      'sparse(backend): backend must be an engine such as forward(), tape(), finiteDiff() or tfjs(), ' +
        'or secondOrder(outer, inner).',
    );
  }
  const detector = options.detector ?? tracerDetector();
  const orders = options.coloring?.orders ?? coloringOrders;
  if (orders.length === 0 || orders.some((o) => !coloringOrders.includes(o))) {
    throw new InvalidInputError(
      `sparse(backend, { coloring: { orders } }): orders must be a non-empty list of ${coloringOrders.join(', ')}.`,
    );
  }
  return {
    kind: 'matrix',
    name: `sparse(${backend.name})`,
    inner: backend,
    plan(operator, probe, xs) {
      const n = xs.reduce<number>((a, x) => a + sizeOfShape(shapeOf(x)), 0);
      const pattern = options.pattern ? asPattern(options.pattern) : detector[operator](probe, xs);
      if (pattern.shape[1] !== n) {
        throw new ShapeMismatchError(
          `sparse: the ${operator} pattern has ${pattern.shape[1]} columns, but x has ${n} elements.`,
        );
      }
      if (operator === 'hessian') return hessianPlan(backend, pattern, orders);
      const engine = backend.kind === 'second-order' ? backend.inner : backend;
      return jacobianPlan(engine, pattern, orders, options.coloring?.partition ?? partitionOf(engine));
    },
  };
}

function partitionOf(engine: Engine): 'column' | 'row' {
  if (engine.pullback && (engine.mode === 'reverse' || !engine.pushforward)) return 'row';
  return 'column';
}

/** A user's pattern: its structure with values 1. */
function asPattern(p: SparseMatrix): SparseMatrix {
  if (!(p instanceof SparseMatrix)) {
    throw new InvalidInputError(
      'sparse(backend, { pattern }): pattern must be a SparseMatrix (values are ignored).',
    );
  }
  return new SparseMatrix(p.shape, p.rowPtr.slice(), p.colIdx.slice(), new Float64Array(p.nnz).fill(1));
}

/**
 * Where each structural nonzero is read from: compressed result `source[k]`, element `index[k]`.
 */
interface Gather {
  readonly source: Int32Array;
  readonly index: Int32Array;
}

function jacobianPlan(
  engine: Engine,
  pattern: SparseMatrix,
  orders: readonly ColoringOrder[],
  partition: 'column' | 'row',
): MatrixPlan {
  const byColumn = partition === 'column';
  const graph = byColumn ? columnIntersectionGraph(pattern) : rowIntersectionGraph(pattern);
  const { colors, ncolors } = bestColoring(graph, 'distance-1', orders);
  const [rows, cols] = pattern.shape;
  const gather: Gather = { source: new Int32Array(pattern.nnz), index: new Int32Array(pattern.nnz) };
  for (let i = 0; i < rows; i++) {
    for (let k = pattern.rowPtr[i]!; k < pattern.rowPtr[i + 1]!; k++) {
      const j = pattern.colIdx[k]!;
      gather.source[k] = byColumn ? colors[j]! : colors[i]!;
      gather.index[k] = byColumn ? i : j;
    }
  }
  const checkRows = (ys: readonly Value[]) => {
    const m = totalSize(ys);
    if (m !== rows) {
      throw new ShapeMismatchError(
        `sparse jacobian: the pattern has ${rows} rows, but f returns ${m} elements.`,
      );
    }
  };
  // Column seeds depend only on the coloring and x's shapes: made once, reused by every call.
  const columnSeeds = new Map<number, Value[][]>();
  return {
    pattern,
    colors,
    ncolors,
    evaluate(f: LeafFn, xs: readonly Value[], key: PrepKey) {
      let ys: readonly Value[] | null = null;
      const compressed: Float64Array[] = [];
      if (ncolors === 0) ys = f(xs);
      for (let start = 0; start < ncolors; start += maxBatch) {
        const end = Math.min(ncolors, start + maxBatch);
        if (byColumn) {
          let batch = columnSeeds.get(start);
          if (batch === undefined) columnSeeds.set(start, (batch = seeds(colors, start, end, xs)));
          const r = pushforwardValues(engine, f, xs, batch, key);
          checkRows(r.ys);
          ys ??= r.ys;
          for (const res of r.results) compressed.push(flat(res, rows));
        } else {
          const r = pullbackValues(
            engine,
            f,
            xs,
            (outs) => {
              checkRows(outs);
              return seeds(colors, start, end, outs);
            },
            key,
          );
          ys ??= r.ys;
          for (const res of r.results) compressed.push(flat(res, cols));
        }
      }
      checkRows(ys!);
      return { ys: ys!, matrix: decompress(pattern, gather, compressed) };
    },
  };
}

function hessianPlan(backend: Backend, pattern: SparseMatrix, orders: readonly ColoringOrder[]): MatrixPlan {
  if (!isSymmetric(pattern)) {
    throw new InvalidInputError('sparse hessian: the pattern must be square and symmetric.');
  }
  const { colors, ncolors } = bestColoring(adjacencyGraph(pattern), 'star', orders);
  const n = pattern.shape[0];
  const gather: Gather = { source: new Int32Array(pattern.nnz), index: new Int32Array(pattern.nnz) };
  const uniqueIn = (row: number, col: number) => {
    let count = 0;
    for (let k = pattern.rowPtr[row]!; k < pattern.rowPtr[row + 1]!; k++) {
      if (colors[pattern.colIdx[k]!] === colors[col]) count++;
    }
    return count === 1;
  };
  for (let i = 0; i < n; i++) {
    for (let k = pattern.rowPtr[i]!; k < pattern.rowPtr[i + 1]!; k++) {
      const j = pattern.colIdx[k]!;
      // (H v_c(j))[i] is H[i, j] when j is alone in row i with its color; else use symmetry.
      const direct = i === j || uniqueIn(i, j);
      gather.source[k] = direct ? colors[j]! : colors[i]!;
      gather.index[k] = direct ? i : j;
    }
  }
  let tangents: Value[][] | null = null;
  return {
    pattern,
    colors,
    ncolors,
    evaluate(f: LeafFn, xs: readonly Value[], key: PrepKey) {
      tangents ??= seeds(colors, 0, ncolors, xs);
      const r = hvpValues(backend, f, xs, tangents, key);
      const compressed = r.results.map((res) => flat(res, n));
      return { ys: [r.y], gradient: r.gradient, matrix: decompress(pattern, gather, compressed) };
    },
  };
}

function decompress(pattern: SparseMatrix, g: Gather, compressed: readonly Float64Array[]): SparseMatrix {
  const values = new Float64Array(pattern.nnz);
  for (let k = 0; k < values.length; k++) values[k] = compressed[g.source[k]!]![g.index[k]!]!;
  return new SparseMatrix(pattern.shape, pattern.rowPtr, pattern.colIdx, values);
}

function totalSize(leaves: readonly Value[]): number {
  let n = 0;
  for (const l of leaves) n += sizeOfShape(shapeOf(l));
  return n;
}

/** For each color c in [start, end): 1 where colors is c, as leaves shaped like `like`. */
function seeds(colors: Int32Array, start: number, end: number, like: readonly Value[]): Value[][] {
  const out: Value[][] = [];
  for (let c = start; c < end; c++) {
    let off = 0;
    out.push(
      like.map((l) => {
        const shape = shapeOf(l);
        const size = sizeOfShape(shape);
        const data = new Float64Array(size);
        for (let k = 0; k < size; k++) if (colors[off + k] === c) data[k] = 1;
        off += size;
        if (shape.length === 0) return data[0]!;
        return shape.length === 1 ? data : new NDArray(data, shape);
      }),
    );
  }
  return out;
}

/** Result leaves as one flat vector of `size` numbers. */
function flat(leaves: readonly Value[], size: number): Float64Array {
  const out = new Float64Array(size);
  let off = 0;
  for (const l of leaves) {
    if (l instanceof Tracer) {
      throw new NestingError(
        l.trace.engine,
        'sparse',
        'a sparse matrix holds plain numbers, not traced values.',
        undefined,
        'Inside an outer differentiation, ask the inner backend for the dense matrix ' +
          '(jacobian(f, forward(), x) instead of jacobian(f, sparse(forward()), x)): its results stay traced.',
      );
    }
    if (typeof l === 'number') out[off++] = l;
    else {
      const d = l instanceof NDArray ? l.data : l;
      out.set(d, off);
      off += d.length;
    }
  }
  return out;
}
