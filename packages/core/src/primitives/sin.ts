import * as m from '../math/ops.js';
import { type NoParams, defineUnary } from './define.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    sin: NoParams;
  }
}

/** sin x */
export const sin = defineUnary('sin', Math.sin, (x) => m.cos(x));
