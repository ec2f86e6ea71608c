import * as m from '../math/ops.js';
import { defineUnary } from '../registry/define.js';

/**
 * The inverse hyperbolic cosine elementwise (NaN below 1); derivative 1 / √((x - 1)(x + 1)),
 * infinite at 1.
 */
export const primitive = defineUnary({
  name: 'acosh',
  f: Math.acosh,
  dydx: (x) => m.div(1, m.sqrt(m.mul(m.sub(x, 1), m.add(x, 1)))),
});
