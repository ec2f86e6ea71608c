import { ShapeMismatchError } from '../errors.js';
import * as m from '../math/ops.js';
import type { Primitive } from '../primitive.js';
import { shapeOf } from '../trace.js';
import { type Shape, formatShape, fromData, plainData, sizeOf } from '../values.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    reshape: { readonly shape: Shape };
  }
}

/** Same elements, row-major, in a new shape of the same size. */
export const reshape: Primitive<'reshape'> = {
  name: 'reshape',
  impl: ([a], params) => fromData(plainData(a!), reshape.shape([shapeOf(a!)], params)),
  shape: ([s], { shape }) => {
    if (sizeOf(s!) !== sizeOf(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new ShapeMismatchError(
        `reshape: a value of shape ${formatShape(s!)} (${sizeOf(s!)} elements) cannot be reshaped to ${formatShape(shape)}.`,
      );
    }
    return shape;
  },
  jvp: ([t], _p, _y, { shape }) => m.reshape(t!, shape),
  vjp: (ct, [a]) => [m.reshape(ct, shapeOf(a!))],
};
