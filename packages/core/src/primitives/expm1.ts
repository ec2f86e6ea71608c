import * as m from '../math/ops.js';
import { defineUnary } from '../registry/define.js';

/** e^x - 1 elementwise, accurate for x near 0; derivative e^x (the output plus 1). */
export const primitive = defineUnary({ name: 'expm1', f: Math.expm1, dydx: (_x, y) => m.add(y, 1) });
