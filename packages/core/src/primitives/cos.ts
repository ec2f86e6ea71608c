import type { UnaryLoop } from '../kernels.js';
import * as m from '../math/ops.js';
import { type NoParams, defineUnary } from './define.js';

const cosLoop: UnaryLoop = (out, x) => {
  for (let i = 0; i < out.length; i++) out[i] = Math.cos(x[i]!);
};

declare module '../primitive.js' {
  interface PrimitiveParams {
    cos: NoParams;
  }
}

/** cos x */
export const cos = defineUnary(
  'cos',
  Math.cos,
  (x) => m.neg(m.sin(x)),
  (a, _b, out) => {
    out[0] = Math.cos(a);
    out[1] = -Math.sin(a);
  },
  cosLoop,
);
