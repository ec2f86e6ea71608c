import * as m from '../math/ops.js';
import { defineUnary } from '../registry/define.js';

/** tan x elementwise; derivative 1 + tan²x. */
export const primitive = defineUnary({ name: 'tan', f: Math.tan, dydx: (_x, y) => m.add(1, m.square(y)) });
