import { ShapeMismatchError } from '../errors.js';
import { sliceKernel } from '../kernels.js';
import * as m from '../math/ops.js';
import type { Primitive } from '../primitive.js';
import { shapeOf } from '../trace.js';
import { formatShape } from '../values.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    slice: { readonly start: number; readonly end: number };
  }
}

/** Rows start … end-1 along the first axis; the VJP pads the cotangent with zeros. */
export const slice: Primitive<'slice'> = {
  name: 'slice',
  impl: ([a], params) => {
    slice.shape([shapeOf(a!)], params);
    return sliceKernel(a!, params.start, params.end);
  },
  shape: ([s], { start, end }) => {
    const n = s![0];
    if (
      n === undefined ||
      !Number.isInteger(start) ||
      !Number.isInteger(end) ||
      start < 0 ||
      end < start ||
      end > n
    ) {
      throw new ShapeMismatchError(
        `slice: [${start}, ${end}) is not a range of the first axis of a value of shape ${formatShape(s!)}.`,
      );
    }
    return [end - start, ...s!.slice(1)];
  },
  jvp: ([t], _p, _y, { start, end }) => m.slice(t!, start, end),
  vjp: (ct, [a], _y, { start, end }) => [m.pad(ct, start, shapeOf(a!)[0]! - end)],
};
