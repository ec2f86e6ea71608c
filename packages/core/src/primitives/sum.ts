import { ShapeMismatchError } from '../errors.js';
import { sumKernel } from '../kernels.js';
import * as m from '../math/ops.js';
import type { Primitive } from '../primitive.js';
import { shapeOf } from '../trace.js';
import { formatShape } from '../values.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    /** `axis: null` sums everything to a scalar; otherwise the axis is removed. */
    sum: { readonly axis: number | null };
  }
}

/** Sum of all elements, or along one axis. The VJP broadcasts the cotangent back. */
export const sum: Primitive<'sum'> = {
  name: 'sum',
  impl: ([a], { axis }) => {
    if (axis !== null) sum.shape([shapeOf(a!)], { axis });
    return sumKernel(a!, axis);
  },
  shape: ([s], { axis }) => {
    if (axis === null) return [];
    if (!Number.isInteger(axis) || axis < 0 || axis >= s!.length) {
      throw new ShapeMismatchError(
        `sum: axis ${axis} is out of range for a value of shape ${formatShape(s!)}.`,
      );
    }
    return [...s!.slice(0, axis), ...s!.slice(axis + 1)];
  },
  jvp: ([t], _p, _y, params) => m.sum(t!, params.axis ?? undefined),
  vjp: (ct, [a], _y, { axis }) => {
    const s = shapeOf(a!);
    if (axis === null) return [m.broadcastTo(ct, s)];
    const kept = [...s.slice(0, axis), 1, ...s.slice(axis + 1)];
    return [m.broadcastTo(m.reshape(ct, kept), s)];
  },
};
