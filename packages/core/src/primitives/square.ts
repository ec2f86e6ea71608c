import * as m from '../math/ops.js';
import { type NoParams, defineUnary } from './define.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    square: NoParams;
  }
}

/** x² */
export const square = defineUnary(
  'square',
  (x) => x * x,
  (x) => m.mul(2, x),
);
