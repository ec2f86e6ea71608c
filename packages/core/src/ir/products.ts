/**
 * Kernels the compiler runs into arena arrays instead of allocating: matrix products (with
 * either factor read transposed, so the backward program's `matmul(ct, transpose(W))` never
 * copies W), transposes and sums along an axis. Each accumulates in the order the primitive's
 * float64 kernel does, so results are bit for bit the same.
 */
import type { AnyPrimitive, PrimitiveName, PrimitiveParams } from '../primitive.js';
import { allFinite, finiteProduct } from '../kernels.js';
import type { Shape } from '../values.js';
import type { Raw } from './codegen.js';
import type { Eqn, Program } from './program.js';

/** Writes the result into `out` (of the output's size). */
export type ArenaKernel = (
  out: Float64Array,
  args: readonly Raw[],
  shapes: readonly Shape[],
  params: unknown,
) => void;

const data = (r: Raw): Float64Array => (typeof r === 'number' ? Float64Array.of(r) : r);

/**
 * [m, k] × [k, n], either factor possibly given transposed (as [k, m] or [n, k]), accumulating
 * each element over p = 0 … k-1 in order, as the kernels do. IEEE (`matmul`): a zero of x skips
 * its row of y only when that row is finite (0 × ∞ is NaN). Strong zero (`matmulNoNan`): a zero
 * of x skips its row, and a non-finite x skips the zeros of y.
 */
function product(
  out: Float64Array,
  x: Float64Array,
  y: Float64Array,
  m: number,
  k: number,
  n: number,
  ta: boolean,
  tb: boolean,
  noNan: boolean,
): void {
  if (allFinite(x) && allFinite(y)) {
    if (tb && !ta && m < 4) {
      // A few rows against rows of y, both read contiguously: plain dot products, in order.
      for (let i = 0; i < m; i++) {
        const xi = i * k;
        for (let j = 0; j < n; j++) {
          let s = 0;
          const yj = j * k;
          for (let p = 0; p < k; p++) s += x[xi + p]! * y[yj + p]!;
          out[i * n + j] = s;
        }
      }
    } else finiteProduct(out, x, y, m, k, n, ta, tb);
    return;
  }
  const yAt = tb ? (p: number, j: number) => y[j * k + p]! : (p: number, j: number) => y[p * n + j]!;
  const finiteRow = new Uint8Array(k);
  if (!noNan) {
    for (let p = 0; p < k; p++) {
      let finite = 1;
      for (let j = 0; j < n; j++) {
        if (!Number.isFinite(yAt(p, j))) {
          finite = 0;
          break;
        }
      }
      finiteRow[p] = finite;
    }
  }
  out.fill(0);
  if (tb) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        const yj = j * k;
        for (let p = 0; p < k; p++) {
          const xip = ta ? x[p * m + i]! : x[i * k + p]!;
          const yv = y[yj + p]!;
          if (xip === 0 && (noNan || finiteRow[p] === 1)) continue;
          if (noNan && yv === 0 && !Number.isFinite(xip)) continue;
          s += xip * yv;
        }
        out[i * n + j] = s;
      }
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    const oi = i * n;
    for (let p = 0; p < k; p++) {
      const xip = ta ? x[p * m + i]! : x[i * k + p]!;
      if (xip === 0 && (noNan || finiteRow[p] === 1)) continue;
      const yp = p * n;
      if (noNan && !Number.isFinite(xip)) {
        for (let j = 0; j < n; j++) {
          const yv = y[yp + j]!;
          if (yv !== 0) out[oi + j]! += xip * yv;
        }
      } else for (let j = 0; j < n; j++) out[oi + j]! += xip * y[yp + j]!;
    }
  }
}

export interface ProductParams {
  readonly ta: boolean;
  readonly tb: boolean;
  /** The strong-zero product (`matmulNoNan`) rather than the IEEE one (`matmul`). */
  readonly noNan: boolean;
}

const productKernel =
  (noNan: boolean): ArenaKernel =>
  (out, [a, b], [sa, sb], params) => {
    const { ta, tb, noNan: nn } = (params ?? {}) as Partial<ProductParams>;
    const m = ta ? sa![1]! : sa![0]!;
    const k = ta ? sa![0]! : sa![1]!;
    const n = tb ? sb![0]! : sb![1]!;
    product(out, data(a!), data(b!), m, k, n, ta === true, tb === true, nn ?? noNan);
  };

const ieeeProduct = productKernel(false);
const strongProduct = productKernel(true);

const transposeKernel: ArenaKernel = (out, [a], [s]) => {
  const [m, n] = s as [number, number];
  const x = data(a!);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = x[i * n + j]!;
};

const sumAxisKernel: ArenaKernel = (out, [a], [s], params) => {
  const axis = (params as { axis: number }).axis;
  const x = data(a!);
  let outer = 1;
  for (let d = 0; d < axis; d++) outer *= s![d]!;
  const len = s![axis]!;
  let inner = 1;
  for (let d = axis + 1; d < s!.length; d++) inner *= s![d]!;
  out.fill(0);
  for (let o = 0; o < outer; o++) {
    const base = o * len * inner;
    const ob = o * inner;
    for (let k = 0; k < len; k++) {
      const off = base + k * inner;
      for (let i = 0; i < inner; i++) out[ob + i] = out[ob + i]! + x[off + i]!;
    }
  }
};

/** A product of factors read as given or transposed: only the compiler makes it. */
export const transposedProduct = {
  name: 'matmul',
  impl: () => {
    throw new Error('a transposed product runs only as compiled code');
  },
} as unknown as AnyPrimitive;

/** The arena kernel of an equation, or undefined (then its primitive's own kernel runs). */
export function arenaKernel(e: Eqn): ArenaKernel | undefined {
  if (e.prim === transposedProduct) return ieeeProduct;
  switch (e.prim.name) {
    case 'matmul':
      return ieeeProduct;
    case 'matmulNoNan':
      return strongProduct;
    case 'transpose':
      return transposeKernel;
    case 'sum':
      return (e.params as { axis: number | null }).axis === null ? undefined : sumAxisKernel;
    default:
      return undefined;
  }
}

/** `p` with every product of a transposed matrix reading that matrix as given (the transpose then goes dead). */
export function readTransposesInPlace(p: Program): Program {
  const producer = new Map<number, Eqn>();
  for (const e of p.eqns) producer.set(e.out, e);
  let changed = false;
  const eqns = p.eqns.map((e) => {
    const name = e.prim.name;
    if ((name !== 'matmul' && name !== 'matmulNoNan') || e.prim === transposedProduct) return e;
    const [a, b] = e.args as [number, number];
    const pa = producer.get(a);
    const pb = producer.get(b);
    const ta = pa?.prim.name === 'transpose';
    const tb = pb?.prim.name === 'transpose';
    if (!ta && !tb) return e;
    changed = true;
    const params: ProductParams = { ta, tb, noNan: name === 'matmulNoNan' };
    return {
      prim: transposedProduct,
      args: [ta ? pa!.args[0]! : a, tb ? pb!.args[0]! : b],
      params: params as unknown as PrimitiveParams[PrimitiveName],
      out: e.out,
    };
  });
  return changed ? { ...p, eqns } : p;
}
