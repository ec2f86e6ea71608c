import * as m from '../math/ops.js';
import { type NoParams, defineBinary } from './define.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    maximum: NoParams;
  }
}

/** max(a, b) elementwise; at a tie the derivative goes to a. */
export const maximum = defineBinary(
  'maximum',
  (x, y) => (x >= y || Number.isNaN(x) ? x : y),
  (a, b) => m.greaterEqual(a, b),
  (a, b) => m.less(a, b),
  (a, b, out) => {
    out[0] = a >= b || Number.isNaN(a) ? a : b;
    out[1] = a >= b ? 1 : 0;
    out[2] = a < b ? 1 : 0;
  },
);
