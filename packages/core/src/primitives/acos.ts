import * as m from '../math/ops.js';
import { defineUnary } from '../registry/define.js';

/**
 * The arccosine elementwise, in radians (NaN outside [-1, 1]); derivative -1 / √(1 - x²),
 * infinite at ±1.
 */
export const primitive = defineUnary({
  name: 'acos',
  f: Math.acos,
  dydx: (x) => m.div(-1, m.sqrt(m.mul(m.sub(1, x), m.add(1, x)))),
});
