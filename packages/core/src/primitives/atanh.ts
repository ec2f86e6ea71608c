import * as m from '../math/ops.js';
import { defineUnary } from '../registry/define.js';

/**
 * The inverse hyperbolic tangent elementwise (±∞ at ±1, NaN beyond); derivative
 * 1 / ((1 - x)(1 + x)).
 */
export const primitive = defineUnary({
  name: 'atanh',
  f: Math.atanh,
  dydx: (x) => m.div(1, m.mul(m.sub(1, x), m.add(1, x))),
});
