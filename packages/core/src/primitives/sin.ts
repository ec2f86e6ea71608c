import type { UnaryLoop } from '../kernels.js';
import * as m from '../math/ops.js';
import { type NoParams, defineUnary } from './define.js';

const sinLoop: UnaryLoop = (out, x) => {
  for (let i = 0; i < out.length; i++) out[i] = Math.sin(x[i]!);
};

declare module '../primitive.js' {
  interface PrimitiveParams {
    sin: NoParams;
  }
}

/** sin x */
export const sin = defineUnary(
  'sin',
  Math.sin,
  (x) => m.cos(x),
  (a, _b, out) => {
    out[0] = Math.sin(a);
    out[1] = Math.cos(a);
  },
  sinLoop,
);
