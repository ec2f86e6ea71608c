import { broadcastShapesTo, broadcastToKernel } from '../kernels.js';
import { checkShape, checkValue } from '../math/checks.js';
import * as m from '../math/ops.js';
import { definePrimitive } from '../registry/define.js';
import { type Value, bind, shapeOf } from '../trace.js';
import { type Shape, sameShape } from '../values.js';

/** Repeats a value along broadcast dimensions; the VJP sums them back. */
export const primitive = definePrimitive<'broadcastTo', { readonly shape: Shape }>({
  name: 'broadcastTo',
  impl: ([a], { shape }) => broadcastToKernel(a!, shape),
  shape: ([s], { shape }) => {
    broadcastShapesTo('broadcastTo', s!, shape);
    return shape;
  },
  jvp: ([t], _p, _y, { shape }) => m.broadcastTo(t!, shape),
  vjp: (ct, [a]) => [m.sumTo(ct, shapeOf(a!))],
  args: ['linear'],
});

/** `a` stretched to `shape` by NumPy broadcasting. */
export function op(a: Value, shape: Shape): Value {
  checkValue('broadcastTo', 'a', a);
  checkShape('broadcastTo', 'shape', shape);
  if (sameShape(shapeOf(a), shape)) return a;
  return bind(primitive, [a], { shape: [...shape] });
}
