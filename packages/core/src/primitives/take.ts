import { ShapeMismatchError } from '../errors.js';
import * as m from '../math/ops.js';
import type { Primitive } from '../primitive.js';
import { shapeOf } from '../trace.js';
import { type Plain, type Shape, formatShape, fromData, plainData, plainShape, sizeOf } from '../values.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    /** Row indices along the first axis, each in [0, rows): `m.take` normalises and copies them. */
    take: { readonly indices: Int32Array };
  }
}

/** Checks indices against an axis of length n (shared with scatterAdd). */
export function checkRows(op: string, s: Shape, indices: Int32Array): void {
  const n = s[0];
  let bad = n === undefined ? 0 : -1;
  if (n !== undefined) {
    for (let k = 0; k < indices.length && bad < 0; k++) {
      const i = indices[k]!;
      if (!(i >= 0 && i < n)) bad = k;
    }
  }
  if (bad >= 0) {
    throw new ShapeMismatchError(
      n === undefined
        ? `${op}: cannot index a scalar (shape []) along its first axis.`
        : `${op}: index ${indices[bad]} is out of range for the first axis of a value of shape ${formatShape(s)}.`,
    );
  }
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
export const take: Primitive<'take'> = {
  name: 'take',
  impl: ([a], params) => {
    take.shape([shapeOf(a!)], params);
    return takeKernel(a!, params.indices);
  },
  shape: ([s], { indices }) => {
    checkRows('take', s!, indices);
    return [indices.length, ...s!.slice(1)];
  },
  jvp: ([t], _p, _y, { indices }) => m.take(t!, indices),
  vjp: (ct, [a], _y, { indices }) => [m.scatterAdd(m.zerosLike(a!), indices, ct)],
};
