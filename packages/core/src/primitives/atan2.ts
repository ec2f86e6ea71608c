import * as m from '../math/ops.js';
import { defineBinary } from '../registry/define.js';

/**
 * The angle of the point (b, a) elementwise, in radians in [-π, π], with NumPy broadcasting:
 * `atan2(a, b)` is `Math.atan2(y, x)` with y = a, x = b. ∂/∂a = b / (a² + b²),
 * ∂/∂b = -a / (a² + b²); at the origin, where the angle jumps, both are NaN.
 */
export const primitive = defineBinary({
  name: 'atan2',
  f: Math.atan2,
  da: (a, b) => m.div(b, m.add(m.square(a), m.square(b))),
  db: (a, b) => m.div(m.neg(a), m.add(m.square(a), m.square(b))),
  partials: (a, b, _y, out) => {
    const r = a * a + b * b;
    out[1] = b / r;
    out[2] = -a / r;
  },
});
