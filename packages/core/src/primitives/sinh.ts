import * as m from '../math/ops.js';
import { defineUnary } from '../registry/define.js';

/** The hyperbolic sine elementwise; derivative cosh x. */
export const primitive = defineUnary({ name: 'sinh', f: Math.sinh, dydx: (x) => m.cosh(x) });
