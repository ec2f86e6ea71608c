import { broadcastShapes, ternaryKernel } from '../kernels.js';
import * as m from '../math/ops.js';
import type { Primitive } from '../primitive.js';
import { type NoParams, toArgShape, toShapeOf } from './define.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    where: NoParams;
  }
}

/** a where cond ≠ 0, else b (broadcasting). The condition has no derivative. */
export const where: Primitive<'where'> = {
  name: 'where',
  impl: ([c, a, b]) => ternaryKernel('where', c!, a!, b!, (x, y, z) => (x !== 0 ? y : z)),
  shape: ([sc, sa, sb]) => broadcastShapes('where', sc!, sa!, sb!),
  jvp: ([, ta, tb], [c], y) => {
    if (ta == null && tb == null) return null;
    return toShapeOf(m.where(c!, ta ?? 0, tb ?? 0), y);
  },
  vjp: (ct, [c, a, b], _y, _p, needs) => [
    null,
    needs[1] ? toArgShape(m.where(c!, ct, 0), a!) : null,
    needs[2] ? toArgShape(m.where(c!, 0, ct), b!) : null,
  ],
};
