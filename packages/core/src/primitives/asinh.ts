import * as m from '../math/ops.js';
import { defineUnary } from '../registry/define.js';

/** The inverse hyperbolic sine elementwise; derivative 1 / √(x² + 1). */
export const primitive = defineUnary({
  name: 'asinh',
  f: Math.asinh,
  dydx: (x) => m.div(1, m.sqrt(m.add(m.square(x), 1))),
});
