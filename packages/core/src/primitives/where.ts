import { broadcastShapes, ternaryKernel } from '../kernels.js';
import { checkValue } from '../math/checks.js';
import * as m from '../math/ops.js';
import { type NoParams, definePrimitive, toArgShape, toShapeOf } from '../registry/define.js';
import { type Value, bind } from '../trace.js';

/** a where cond ≠ 0, else b (broadcasting). The condition has no derivative. */
export const primitive = definePrimitive<'where', NoParams>({
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
  args: ['none', 'linear', 'linear'],
  elementwise: true,
});

/** `a` where `cond` is non-zero, else `b`; all three broadcast. Only the selected branch has a derivative. */
export function op(cond: Value, a: Value, b: Value): Value {
  if (typeof cond === 'number' && typeof a === 'number' && typeof b === 'number') return cond !== 0 ? a : b;
  checkValue('where', 'cond', cond);
  checkValue('where', 'a', a);
  checkValue('where', 'b', b);
  return bind(primitive, [cond, a, b], {});
}
