import * as m from '../math/ops.js';
import { type NoParams, defineUnary } from './define.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    sqrt: NoParams;
  }
}

/** √x; derivative 1 / (2√x). */
export const sqrt = defineUnary('sqrt', Math.sqrt, (_x, y) => m.div(0.5, y));
