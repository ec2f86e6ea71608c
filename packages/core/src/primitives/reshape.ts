import { ShapeMismatchError } from '../errors.js';
import { checkShape, checkValue } from '../math/checks.js';
import * as m from '../math/ops.js';
import { definePrimitive } from '../registry/define.js';
import { type Value, bind, shapeOf } from '../trace.js';
import { type Shape, formatShape, fromData, plainData, sameShape, sizeOf } from '../values.js';

function reshaped(s: Shape, shape: Shape): Shape {
  if (sizeOf(s) !== sizeOf(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeMismatchError(
      `reshape: a value of shape ${formatShape(s)} (${sizeOf(s)} elements) cannot be reshaped to ${formatShape(shape)}.`,
    );
  }
  return shape;
}

/** Same elements, row-major, in a new shape of the same size. */
export const primitive = definePrimitive<'reshape', { readonly shape: Shape }>({
  name: 'reshape',
  impl: ([a], { shape }) => fromData(plainData(a!), reshaped(shapeOf(a!), shape)),
  shape: ([s], { shape }) => reshaped(s!, shape),
  jvp: ([t], _p, _y, { shape }) => m.reshape(t!, shape),
  vjp: (ct, [a]) => [m.reshape(ct, shapeOf(a!))],
  elements: () => 'all',
  args: ['linear'],
});

/** The same elements, row-major, in another shape of the same size. */
export function op(a: Value, shape: Shape): Value {
  checkValue('reshape', 'a', a);
  checkShape('reshape', 'shape', shape);
  if (sameShape(shapeOf(a), shape)) return a;
  return bind(primitive, [a], { shape: [...shape] });
}
