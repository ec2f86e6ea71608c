/**
 * Float64 kernels shared by the primitives: NumPy broadcasting, elementwise maps, reductions,
 * matrix products, slicing. They never mutate their arguments and always return fresh data.
 */
import { ShapeMismatchError } from './errors.js';
import {
  type Plain,
  type Shape,
  formatShape,
  fromData,
  plainData,
  plainShape,
  sameShape,
  sizeOf,
} from './values.js';

/** NumPy broadcasting: align shapes on the right; a dimension of 1 (or a missing one) stretches. */
export function broadcastShapes(op: string, ...shapes: readonly Shape[]): Shape {
  if (shapes.length === 2) {
    // The common cases, without a new array: equal shapes, and a scalar with anything.
    const [a, b] = shapes as [Shape, Shape];
    if (b.length === 0 || a === b || sameShape(a, b)) return a;
    if (a.length === 0) return b;
  }
  let rank = 0;
  for (const s of shapes) rank = Math.max(rank, s.length);
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let k = 0; k < s.length; k++) {
      const d = s[k]!;
      const j = rank - s.length + k;
      const o = out[j]!;
      if (o === 1) out[j] = d;
      else if (d !== 1 && d !== o) {
        throw new ShapeMismatchError(
          `${op}: shapes ${shapes.map(formatShape).join(' and ')} do not broadcast together ` +
            '(dimensions are aligned on the right and must be equal or 1). Reshape one argument.',
        );
      }
    }
  }
  return out;
}

/** Strides (in elements) of an input of shape `s` seen through the output shape `out`; 0 where it broadcasts. */
function broadcastStrides(s: Shape, out: Shape): number[] {
  const strides = new Array<number>(out.length).fill(0);
  let stride = 1;
  for (let k = s.length - 1; k >= 0; k--) {
    const j = out.length - s.length + k;
    strides[j] = s[k] === 1 ? 0 : stride;
    stride *= s[k]!;
  }
  return strides;
}

/** Offsets into each input for every output element, in row-major order. */
function broadcastOffsets(inShapes: readonly Shape[], out: Shape): Int32Array[] {
  const n = sizeOf(out);
  const strides = inShapes.map((s) => broadcastStrides(s, out));
  const offsets = inShapes.map(() => new Int32Array(n));
  const counter = new Array<number>(out.length).fill(0);
  const cur = new Array<number>(inShapes.length).fill(0);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < cur.length; a++) offsets[a]![i] = cur[a]!;
    for (let k = out.length - 1; k >= 0; k--) {
      counter[k] = counter[k]! + 1;
      for (let a = 0; a < cur.length; a++) cur[a] = cur[a]! + strides[a]![k]!;
      if (counter[k]! < out[k]!) break;
      for (let a = 0; a < cur.length; a++) cur[a] = cur[a]! - strides[a]![k]! * out[k]!;
      counter[k] = 0;
    }
  }
  return offsets;
}

/** A loop `out[i] = f(x[i])` compiled for one primitive (see `BinaryLoop`). */
export type UnaryLoop = (out: Float64Array, x: Float64Array) => void;

export function unaryKernel(a: Plain, f: (x: number) => number, loop?: UnaryLoop): Plain {
  if (typeof a === 'number') return f(a);
  const x = plainData(a);
  const y = new Float64Array(x.length);
  if (loop) loop(y, x);
  else for (let i = 0; i < x.length; i++) y[i] = f(x[i]!);
  return fromData(y, plainShape(a));
}

/**
 * A loop over the elements of an elementwise op, `out[i] = x[i·sx] ∘ y[i·sy]` with strides 0 or 1.
 * A primitive that passes its own loop gets it compiled for its operation alone; through the
 * shared callback, V8 cannot inline the element operation (the call site sees every primitive).
 */
export type BinaryLoop = (
  out: Float64Array,
  x: Float64Array,
  sx: number,
  y: Float64Array,
  sy: number,
) => void;

export function binaryKernel(
  op: string,
  a: Plain,
  b: Plain,
  f: (x: number, y: number) => number,
  loop?: BinaryLoop,
): Plain {
  if (typeof a === 'number') {
    if (typeof b === 'number') return f(a, b);
    const y = plainData(b);
    const out = new Float64Array(y.length);
    if (loop) loop(out, Float64Array.of(a), 0, y, 1);
    else for (let i = 0; i < y.length; i++) out[i] = f(a, y[i]!);
    return fromData(out, plainShape(b));
  }
  const x = plainData(a);
  if (typeof b === 'number') {
    const out = new Float64Array(x.length);
    if (loop) loop(out, x, 1, Float64Array.of(b), 0);
    else for (let i = 0; i < x.length; i++) out[i] = f(x[i]!, b);
    return fromData(out, plainShape(a));
  }
  const y = plainData(b);
  const sa = plainShape(a);
  const sb = plainShape(b);
  if (sameShape(sa, sb)) {
    const out = new Float64Array(x.length);
    if (loop) loop(out, x, 1, y, 1);
    else for (let i = 0; i < x.length; i++) out[i] = f(x[i]!, y[i]!);
    return fromData(out, sa);
  }
  const shape = broadcastShapes(op, sa, sb);
  const [oa, ob] = broadcastOffsets([sa, sb], shape) as [Int32Array, Int32Array];
  const out = new Float64Array(oa.length);
  for (let i = 0; i < out.length; i++) out[i] = f(x[oa[i]!]!, y[ob[i]!]!);
  return fromData(out, shape);
}

export function ternaryKernel(
  op: string,
  a: Plain,
  b: Plain,
  c: Plain,
  f: (x: number, y: number, z: number) => number,
): Plain {
  if (typeof a === 'number' && typeof b === 'number' && typeof c === 'number') return f(a, b, c);
  const shapes = [plainShape(a), plainShape(b), plainShape(c)];
  const shape = broadcastShapes(op, ...shapes);
  const [x, y, z] = [plainData(a), plainData(b), plainData(c)];
  const [oa, ob, oc] = broadcastOffsets(shapes, shape) as [Int32Array, Int32Array, Int32Array];
  const out = new Float64Array(oa.length);
  for (let i = 0; i < out.length; i++) out[i] = f(x[oa[i]!]!, y[ob[i]!]!, z[oc[i]!]!);
  return fromData(out, shape);
}

export function broadcastToKernel(a: Plain, shape: Shape): Plain {
  const sa = plainShape(a);
  broadcastShapesTo('broadcastTo', sa, shape);
  if (sameShape(sa, shape)) return typeof a === 'number' ? a : fromData(plainData(a).slice(), shape);
  const x = plainData(a);
  if (typeof a === 'number') return fromData(new Float64Array(sizeOf(shape)).fill(a), shape);
  const [oa] = broadcastOffsets([sa], shape) as [Int32Array];
  const out = new Float64Array(oa.length);
  for (let i = 0; i < out.length; i++) out[i] = x[oa[i]!]!;
  return fromData(out, shape);
}

/** Checks that `from` broadcasts to exactly `to`. */
export function broadcastShapesTo(op: string, from: Shape, to: Shape): void {
  const b = broadcastShapes(op, from, to);
  if (!sameShape(b, to)) {
    throw new ShapeMismatchError(
      `${op}: a value of shape ${formatShape(from)} cannot be broadcast to ${formatShape(to)}.`,
    );
  }
}

/** Sum over one axis (dropping it), or over everything when `axis` is null. */
export function sumKernel(a: Plain, axis: number | null): Plain {
  const x = plainData(a);
  if (axis === null) {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i]!;
    return s;
  }
  const shape = plainShape(a);
  const outer = sizeOf(shape.slice(0, axis));
  const len = shape[axis]!;
  const inner = sizeOf(shape.slice(axis + 1));
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    const base = o * len * inner;
    for (let k = 0; k < len; k++) {
      const off = base + k * inner;
      const ob = o * inner;
      for (let i = 0; i < inner; i++) out[ob + i] = out[ob + i]! + x[off + i]!;
    }
  }
  return fromData(out, [...shape.slice(0, axis), ...shape.slice(axis + 1)]);
}

/**
 * [m, k] × [k, n] → [m, n] in IEEE arithmetic: a zero of `a` skips its row of `b` only when that
 * row is finite, since 0 × ∞ and 0 × NaN are NaN.
 */
/** True when every element is finite. */
export function allFinite(d: Float64Array): boolean {
  for (let i = 0; i < d.length; i++) if (!Number.isFinite(d[i]!)) return false;
  return true;
}

/** Scratch for `finiteProduct`'s transposed copy of a factor read transposed; grown, never shrunk. */
let transposed = new Float64Array(0);

/**
 * out = x · y for factors with every element finite, x of [m, k] (or [k, m] when `ta`), y of
 * [k, n] (or [n, k] when `tb`). Each element is accumulated over p = 0 … k-1 in order, from +0,
 * as the matmul kernels do, so the result is the same bit for bit: with finite factors a zero
 * term changes no sum (a sum that starts at +0 never becomes -0), so the kernels' skipping of
 * zeros needs no test here. Four rows of y are applied per pass over a row of the output (the
 * element held in a register in between), and a transposed y is copied once into rows.
 */
export function finiteProduct(
  out: Float64Array,
  x: Float64Array,
  y: Float64Array,
  m: number,
  k: number,
  n: number,
  ta: boolean,
  tb: boolean,
): void {
  if (tb) {
    if (transposed.length < k * n) transposed = new Float64Array(k * n);
    const t = transposed;
    for (let j = 0; j < n; j++) {
      const yj = j * k;
      for (let p = 0; p < k; p++) t[p * n + j] = y[yj + p]!;
    }
    y = t;
  }
  out.fill(0, 0, m * n);
  const k4 = k - (k % 4);
  for (let i = 0; i < m; i++) {
    const oi = i * n;
    let p = 0;
    for (; p < k4; p += 4) {
      const a0 = ta ? x[p * m + i]! : x[i * k + p]!;
      const a1 = ta ? x[(p + 1) * m + i]! : x[i * k + p + 1]!;
      const a2 = ta ? x[(p + 2) * m + i]! : x[i * k + p + 2]!;
      const a3 = ta ? x[(p + 3) * m + i]! : x[i * k + p + 3]!;
      const y0 = p * n;
      const y1 = y0 + n;
      const y2 = y1 + n;
      const y3 = y2 + n;
      for (let j = 0; j < n; j++) {
        let t = out[oi + j]!;
        t += a0 * y[y0 + j]!;
        t += a1 * y[y1 + j]!;
        t += a2 * y[y2 + j]!;
        t += a3 * y[y3 + j]!;
        out[oi + j] = t;
      }
    }
    for (; p < k; p++) {
      const a = ta ? x[p * m + i]! : x[i * k + p]!;
      const yp = p * n;
      for (let j = 0; j < n; j++) out[oi + j]! += a * y[yp + j]!;
    }
  }
}

export function matmulKernel(a: Plain, b: Plain): Plain {
  const [m, k] = plainShape(a) as [number, number];
  const n = plainShape(b)[1]!;
  const x = plainData(a);
  const y = plainData(b);
  if (allFinite(x) && allFinite(y)) {
    const out = new Float64Array(m * n);
    finiteProduct(out, x, y, m, k, n, false, false);
    return fromData(out, [m, n]);
  }
  const finiteRow = new Uint8Array(k);
  for (let p = 0; p < k; p++) {
    let finite = 1;
    for (let j = p * n; j < (p + 1) * n; j++) {
      if (!Number.isFinite(y[j]!)) {
        finite = 0;
        break;
      }
    }
    finiteRow[p] = finite;
  }
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const oi = i * n;
    for (let p = 0; p < k; p++) {
      const xip = x[i * k + p]!;
      if (xip === 0 && finiteRow[p] === 1) continue;
      const yp = p * n;
      for (let j = 0; j < n; j++) out[oi + j]! += xip * y[yp + j]!;
    }
  }
  return fromData(out, [m, n]);
}

/**
 * [m, k] × [k, n] → [m, n] in which a term with a zero factor is 0, whatever the other factor
 * is (the product of `mulNoNan`, summed): what derivative rules apply Jacobians with.
 */
export function matmulNoNanKernel(a: Plain, b: Plain): Plain {
  const [m, k] = plainShape(a) as [number, number];
  const n = plainShape(b)[1]!;
  const x = plainData(a);
  const y = plainData(b);
  const out = new Float64Array(m * n);
  if (allFinite(x) && allFinite(y)) {
    // With finite factors the strong zero is the IEEE product.
    finiteProduct(out, x, y, m, k, n, false, false);
    return fromData(out, [m, n]);
  }
  for (let i = 0; i < m; i++) {
    const oi = i * n;
    for (let p = 0; p < k; p++) {
      const xip = x[i * k + p]!;
      if (xip === 0) continue;
      const yp = p * n;
      if (Number.isFinite(xip)) {
        // A finite factor times a zero of b is already 0.
        for (let j = 0; j < n; j++) out[oi + j]! += xip * y[yp + j]!;
      } else {
        for (let j = 0; j < n; j++) {
          const yv = y[yp + j]!;
          if (yv !== 0) out[oi + j]! += xip * yv;
        }
      }
    }
  }
  return fromData(out, [m, n]);
}

export function transposeKernel(a: Plain): Plain {
  const [m, n] = plainShape(a) as [number, number];
  const x = plainData(a);
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[j * m + i] = x[i * n + j]!;
  return fromData(out, [n, m]);
}

/** Rows `start` to `end` (exclusive) along the first axis. */
export function sliceKernel(a: Plain, start: number, end: number): Plain {
  const shape = plainShape(a);
  const inner = sizeOf(shape.slice(1));
  return fromData(plainData(a).slice(start * inner, end * inner), [end - start, ...shape.slice(1)]);
}

/** Zero rows added before and after, along the first axis. */
export function padKernel(a: Plain, before: number, after: number): Plain {
  const shape = plainShape(a);
  const inner = sizeOf(shape.slice(1));
  const out = new Float64Array((shape[0]! + before + after) * inner);
  out.set(plainData(a), before * inner);
  return fromData(out, [shape[0]! + before + after, ...shape.slice(1)]);
}

export function concatKernel(parts: readonly Plain[]): Plain {
  const shapes = parts.map(plainShape);
  let rows = 0;
  for (const s of shapes) rows += s[0]!;
  const shape = [rows, ...shapes[0]!.slice(1)];
  const out = new Float64Array(sizeOf(shape));
  let off = 0;
  for (const p of parts) {
    const d = plainData(p);
    out.set(d, off);
    off += d.length;
  }
  return fromData(out, shape);
}
