import * as m from '../math/ops.js';
import { type NoParams, defineBinary } from './define.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    minimum: NoParams;
  }
}

/** min(a, b) elementwise; at a tie the derivative goes to a. */
export const minimum = defineBinary(
  'minimum',
  (x, y) => (x <= y || Number.isNaN(x) ? x : y),
  (a, b) => m.lessEqual(a, b),
  (a, b) => m.greater(a, b),
  (a, b, out) => {
    out[0] = a <= b || Number.isNaN(a) ? a : b;
    out[1] = a <= b ? 1 : 0;
    out[2] = a > b ? 1 : 0;
  },
);
