import * as m from '../math/ops.js';
import { type NoParams, defineUnary } from './define.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    tan: NoParams;
  }
}

/** tan x; derivative 1 + tan²x. */
export const tan = defineUnary(
  'tan',
  Math.tan,
  (_x, y) => m.add(1, m.square(y)),
  (a, _b, out) => {
    const y = Math.tan(a);
    out[0] = y;
    out[1] = 1 + y * y;
  },
);
