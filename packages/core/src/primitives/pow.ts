import * as m from '../math/ops.js';
import { defineBinary } from '../registry/define.js';

/**
 * a^b elementwise, with NumPy broadcasting. ∂/∂a = b·a^(b-1) with a strong zero, so pow(x, 0) has
 * derivative 0 at x = 0 too; ∂/∂b = a^b·log a where a > 0, and 0 elsewhere (where the real power
 * is only defined for integer b).
 */
export const primitive = defineBinary({
  name: 'pow',
  f: Math.pow,
  da: (a, b) => m.mulNoNan(b, m.pow(a, m.sub(b, 1))),
  db: (a, _b, y) => m.where(m.greater(a, 0), m.mul(y, m.log(m.maximum(a, Number.MIN_VALUE))), 0),
});
