import type { UnaryLoop } from '../kernels.js';
import { type NoParams, defineUnary } from './define.js';

const negLoop: UnaryLoop = (out, x) => {
  for (let i = 0; i < out.length; i++) out[i] = -x[i]!;
};

declare module '../primitive.js' {
  interface PrimitiveParams {
    neg: NoParams;
  }
}

/** -x */
export const neg = defineUnary(
  'neg',
  (x) => -x,
  (_x, _y) => -1,
  (a, _b, out) => {
    out[0] = -a;
    out[1] = -1;
  },
  negLoop,
);
