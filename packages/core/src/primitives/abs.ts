import * as m from '../math/ops.js';
import { defineUnary } from '../registry/define.js';

/** |x| elementwise; its derivative is sign(x), so 0 at 0 (the average of the one-sided derivatives). */
export const primitive = defineUnary({ name: 'abs', f: Math.abs, dydx: (x) => m.sign(x) });
