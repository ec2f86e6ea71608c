import * as m from '../math/ops.js';
import { type NoParams, defineUnary } from './define.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    abs: NoParams;
  }
}

/** |x|; derivative sign(x) (0 at 0). */
export const abs = defineUnary('abs', Math.abs, (x) => m.sign(x));
