import * as m from '../math/ops.js';
import { type NoParams, defineUnary } from './define.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    cos: NoParams;
  }
}

/** cos x */
export const cos = defineUnary('cos', Math.cos, (x) => m.neg(m.sin(x)));
