import { InvalidInputError, ShapeMismatchError } from './errors.js';

/** The extent of each axis, outermost first; `[]` is a scalar. */
export type Shape = readonly number[];

/** A dense row-major float64 array of any rank. */
export class NDArray {
  readonly data: Float64Array;
  readonly shape: Shape;
  constructor(data: Float64Array, shape: Shape) {
    if (!(data instanceof Float64Array)) {
      throw new InvalidInputError('new NDArray(data, shape): data must be a Float64Array.');
    }
    for (const d of shape) {
      if (!Number.isInteger(d) || d < 0) {
        throw new InvalidInputError(
          `new NDArray(data, shape): shape [${shape.join(', ')}] must hold non-negative integers.`,
        );
      }
    }
    if (sizeOf(shape) !== data.length) {
      throw new ShapeMismatchError(
        `new NDArray(data, shape): shape [${shape.join(', ')}] holds ${sizeOf(shape)} elements but data has ${data.length}.`,
      );
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
  }

  /** The number of elements (the product of the shape). */
  get size(): number {
    return this.data.length;
  }

  /** Element at a full multi-index. */
  at(...index: number[]): number {
    let flat = 0;
    for (let k = 0; k < this.shape.length; k++) flat = flat * this.shape[k]! + (index[k] ?? 0);
    return this.data[flat]!;
  }

  /** An array of zeros of the given shape. */
  static zeros(shape: Shape): NDArray {
    return new NDArray(new Float64Array(sizeOf(shape)), shape);
  }

  /** A matrix from its rows (all of one length): `NDArray.from([[1, 2], [3, 4]])`. */
  static from(rows: readonly (readonly number[])[]): NDArray {
    const m = rows.length;
    const n = rows[0]?.length ?? 0;
    const data = new Float64Array(m * n);
    rows.forEach((r, i) => {
      if (r.length !== n)
        throw new ShapeMismatchError(`NDArray.from: row ${i} has ${r.length} entries, row 0 has ${n}.`);
      data.set(r, i * n);
    });
    return new NDArray(data, [m, n]);
  }
}

/** A value with no derivative information: what the float64 kernels compute with. */
export type Plain = number | Float64Array | NDArray;

/** The number of elements of a shape. */
export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Whether two shapes are equal, axis by axis. */
export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function formatShape(s: Shape): string {
  return `[${s.join(', ')}]`;
}

export function isPlain(v: unknown): v is Plain {
  return typeof v === 'number' || v instanceof Float64Array || v instanceof NDArray;
}

/** The shape of a plain value: `[]` for a number, `[n]` for a `Float64Array`. */
export function plainShape(v: Plain): Shape {
  if (typeof v === 'number') return [];
  if (v instanceof Float64Array) return [v.length];
  return v.shape;
}

/** The elements of a plain value, row-major. A number gives a fresh length-1 array. */
export function plainData(v: Plain): Float64Array {
  if (typeof v === 'number') return Float64Array.of(v);
  if (v instanceof Float64Array) return v;
  return v.data;
}

/** The canonical plain value for data of a shape: rank 0 → number, rank 1 → Float64Array, else NDArray. */
export function fromData(data: Float64Array, shape: Shape): Plain {
  if (shape.length === 0) return data[0]!;
  if (shape.length === 1) return data;
  return new NDArray(data, shape);
}
