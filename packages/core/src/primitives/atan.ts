import * as m from '../math/ops.js';
import { defineUnary } from '../registry/define.js';

/** The arctangent elementwise, in radians (in (-π/2, π/2)); derivative 1 / (1 + x²). */
export const primitive = defineUnary({
  name: 'atan',
  f: Math.atan,
  dydx: (x) => m.div(1, m.add(1, m.square(x))),
});
