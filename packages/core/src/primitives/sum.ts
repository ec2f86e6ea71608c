import { ShapeMismatchError } from '../errors.js';
import { sumKernel } from '../kernels.js';
import { checkValue, normaliseAxis } from '../math/checks.js';
import * as m from '../math/ops.js';
import { definePrimitive } from '../registry/define.js';
import { type Value, bind, shapeOf } from '../trace.js';
import { type Shape, formatShape } from '../values.js';

/** `axis: null` reduces everything to a scalar; otherwise the axis is removed. */
export interface Axis {
  readonly axis: number | null;
}

/** The shape of a reduction over one axis (or all of them), or a `ShapeMismatchError` naming `op`. */
export function reducedShape(op: string, s: Shape, axis: number | null): Shape {
  if (axis === null) return [];
  if (!Number.isInteger(axis) || axis < 0 || axis >= s.length) {
    throw new ShapeMismatchError(
      `${op}: axis ${axis} is out of range for a value of shape ${formatShape(s)}.`,
    );
  }
  return [...s.slice(0, axis), ...s.slice(axis + 1)];
}

/** A cotangent of a reduction, broadcast back over the reduced axis (or over everything). */
export function unreduce(ct: Value, s: Shape, axis: number | null): Value {
  if (axis === null) return m.broadcastTo(ct, s);
  return m.broadcastTo(m.reshape(ct, [...s.slice(0, axis), 1, ...s.slice(axis + 1)]), s);
}

/** Sum of all elements, or along one axis. The VJP broadcasts the cotangent back. */
export const primitive = definePrimitive<'sum', Axis>({
  name: 'sum',
  impl: ([a], { axis }) => {
    reducedShape('sum', shapeOf(a!), axis);
    return sumKernel(a!, axis);
  },
  shape: ([s], { axis }) => reducedShape('sum', s!, axis),
  jvp: ([t], _p, _y, { axis }) => m.sum(t!, axis ?? undefined),
  vjp: (ct, [a], _y, { axis }) => [unreduce(ct, shapeOf(a!), axis)],
  args: ['linear'],
});

/** The parameters of a reduction over every axis: one object for every such op. */
export const allAxes: { readonly axis: null } = Object.freeze({ axis: null });

/** Sum of all elements (a scalar), or along `axis` (which is removed; negative counts from the end). */
export function op(a: Value, axis?: number): Value {
  if (typeof a === 'number' && axis === undefined) return a;
  checkValue('sum', 'a', a);
  return bind(
    primitive,
    [a],
    axis === undefined ? allAxes : { axis: normaliseAxis('sum', axis, shapeOf(a)) },
  );
}
