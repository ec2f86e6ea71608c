import * as m from '../math/ops.js';
import { defineUnary } from '../registry/define.js';

/** log(1 + x) elementwise, accurate for x near 0; derivative 1 / (1 + x). */
export const primitive = defineUnary({ name: 'log1p', f: Math.log1p, dydx: (x) => m.div(1, m.add(1, x)) });
