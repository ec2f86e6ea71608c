import * as m from '../math/ops.js';
import { defineUnary } from '../registry/define.js';

/** The base-10 logarithm elementwise; derivative 1 / (x ln 10). */
export const primitive = defineUnary({
  name: 'log10',
  f: Math.log10,
  dydx: (x) => m.div(1, m.mul(x, Math.LN10)),
});
