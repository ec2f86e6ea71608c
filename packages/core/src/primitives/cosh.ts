import * as m from '../math/ops.js';
import { defineUnary } from '../registry/define.js';

/** The hyperbolic cosine elementwise; derivative sinh x. */
export const primitive = defineUnary({ name: 'cosh', f: Math.cosh, dydx: (x) => m.sinh(x) });
