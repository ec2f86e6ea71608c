import * as m from '../math/ops.js';
import { type NoParams, defineUnary } from './define.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    log: NoParams;
  }
}

/** Natural logarithm. */
export const log = defineUnary('log', Math.log, (x) => m.div(1, x));
