import { broadcastShapesTo, broadcastToKernel } from '../kernels.js';
import * as m from '../math/ops.js';
import type { Primitive } from '../primitive.js';
import { shapeOf } from '../trace.js';
import type { Shape } from '../values.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    broadcastTo: { readonly shape: Shape };
  }
}

/** Repeats a value along broadcast dimensions; the VJP sums them back. */
export const broadcastTo: Primitive<'broadcastTo'> = {
  name: 'broadcastTo',
  impl: ([a], { shape }) => broadcastToKernel(a!, shape),
  shape: ([s], { shape }) => {
    broadcastShapesTo('broadcastTo', s!, shape);
    return shape;
  },
  jvp: ([t], _p, _y, { shape }) => m.broadcastTo(t!, shape),
  vjp: (ct, [a]) => [m.sumTo(ct, shapeOf(a!))],
};
