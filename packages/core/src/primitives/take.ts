import { InvalidInputError, ShapeMismatchError } from '../errors.js';
import { checkValue, rowIndices } from '../math/checks.js';
import * as m from '../math/ops.js';
import { definePrimitive } from '../registry/define.js';
import { type Value, bind, shapeOf } from '../trace.js';
import { type Plain, type Shape, formatShape, fromData, plainData, plainShape, sizeOf } from '../values.js';

/** Row indices along the first axis, each in [0, rows): `m.take` normalises and copies them. */
export interface Rows {
  readonly indices: Int32Array;
}

/** Checks indices against the first axis of a value of shape `s` (shared with scatterAdd). */
export function checkRows(op: string, s: Shape, indices: Int32Array): void {
  const n = s[0];
  if (n === undefined)
    throw new ShapeMismatchError(`${op}: cannot index a scalar (shape []) along its first axis.`);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (!(i >= 0 && i < n)) {
      throw new ShapeMismatchError(
        `${op}: index ${i} is out of range for the first axis of a value of shape ${formatShape(s)}.`,
      );
    }
  }
}

/**
 * Whether `k` rows of `n` are few enough for reverse mode to add a cotangent into them rather
 * than add an array of all n rows (see `PrimitiveDef.elements`).
 */
export function fewRows(k: number, n: number): boolean {
  return 4 * k <= n;
}

/** The flat indices of the elements of rows `rows` of a value of shape `s`, row by row. */
export function rowElements(rows: ArrayLike<number>, s: Shape): Int32Array {
  const inner = sizeOf(s.slice(1));
  const out = new Int32Array(rows.length * inner);
  for (let k = 0; k < rows.length; k++)
    for (let j = 0; j < inner; j++) out[k * inner + j] = rows[k]! * inner + j;
  return out;
}

function takeShape(s: Shape, indices: Int32Array): Shape {
  checkRows('take', s, indices);
  return [indices.length, ...s.slice(1)];
}

function takeKernel(a: Plain, indices: Int32Array): Plain {
  const s = plainShape(a);
  const inner = sizeOf(s.slice(1));
  const x = plainData(a);
  const out = new Float64Array(indices.length * inner);
  for (let k = 0; k < indices.length; k++) {
    const from = indices[k]! * inner;
    for (let j = 0; j < inner; j++) out[k * inner + j] = x[from + j]!;
  }
  return fromData(out, [indices.length, ...s.slice(1)]);
}

/**
 * Rows of a value gathered along the first axis, `out[k] = v[indices[k]]` (indices may repeat).
 * Linear in v; its transpose is `scatterAdd`, so the VJP adds the cotangent's rows back.
 */
export const primitive = definePrimitive<'take', Rows>({
  name: 'take',
  impl: ([a], { indices }) => {
    takeShape(shapeOf(a!), indices);
    return takeKernel(a!, indices);
  },
  shape: ([s], { indices }) => takeShape(s!, indices),
  jvp: ([t], _p, _y, { indices }) => m.take(t!, indices),
  vjp: (ct, [a], _y, { indices }) => [m.scatterAdd(m.zerosLike(a!), indices, ct)],
  elements: ({ indices }, s) => (fewRows(indices.length, s[0]!) ? rowElements(indices, s) : null),
  args: ['linear'],
});

/**
 * Rows gathered along the first axis: `take(v, [2, 0, 2])` is `[v[2], v[0], v[2]]`, of shape
 * `[indices.length, ...rest]`. Indices are integers (an `Int32Array` or a `number[]`); negative ones
 * count from the end. The derivative adds the cotangent's rows back with `scatterAdd`.
 */
export function op(v: Value, indices: Int32Array | readonly number[]): Value {
  checkValue('take', 'v', v);
  const s = shapeOf(v);
  if (s.length === 0) throw new InvalidInputError('take: cannot index a scalar (v has shape []).');
  return bind(primitive, [v], { indices: rowIndices('take', indices, s[0]!) });
}
