import * as m from '../math/ops.js';
import { defineUnary } from '../registry/define.js';

/** The base-2 logarithm elementwise; derivative 1 / (x ln 2). */
export const primitive = defineUnary({
  name: 'log2',
  f: Math.log2,
  dydx: (x) => m.div(1, m.mul(x, Math.LN2)),
});
