import * as m from '../math/ops.js';
import { type NoParams, defineUnary } from './define.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    abs: NoParams;
  }
}

/** |x|; derivative sign(x) (0 at 0). */
export const abs = defineUnary(
  'abs',
  Math.abs,
  (x) => m.sign(x),
  (a, _b, out) => {
    out[0] = Math.abs(a);
    out[1] = a > 0 ? 1 : a < 0 ? -1 : a === 0 ? 0 : Number.NaN;
  },
);
