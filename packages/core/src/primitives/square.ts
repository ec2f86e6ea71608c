import type { UnaryLoop } from '../kernels.js';
import * as m from '../math/ops.js';
import { type NoParams, defineUnary } from './define.js';

const squareLoop: UnaryLoop = (out, x) => {
  for (let i = 0; i < out.length; i++) out[i] = x[i]! * x[i]!;
};

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
  (a, _b, out) => {
    out[0] = a * a;
    out[1] = 2 * a;
  },
  squareLoop,
);
