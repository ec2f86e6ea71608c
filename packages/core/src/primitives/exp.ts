import type { UnaryLoop } from '../kernels.js';
import { type NoParams, defineUnary } from './define.js';

const expLoop: UnaryLoop = (out, x) => {
  for (let i = 0; i < out.length; i++) out[i] = Math.exp(x[i]!);
};

declare module '../primitive.js' {
  interface PrimitiveParams {
    exp: NoParams;
  }
}

/** e^x; its derivative is the output itself. */
export const exp = defineUnary(
  'exp',
  Math.exp,
  (_x, y) => y,
  (a, _b, out) => {
    const y = Math.exp(a);
    out[0] = y;
    out[1] = y;
  },
  expLoop,
);
