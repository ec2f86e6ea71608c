import type { UnaryLoop } from '../kernels.js';
import * as m from '../math/ops.js';
import { type NoParams, defineUnary } from './define.js';

const logLoop: UnaryLoop = (out, x) => {
  for (let i = 0; i < out.length; i++) out[i] = Math.log(x[i]!);
};

declare module '../primitive.js' {
  interface PrimitiveParams {
    log: NoParams;
  }
}

/** Natural logarithm. */
export const log = defineUnary(
  'log',
  Math.log,
  (x) => m.div(1, x),
  (a, _b, out) => {
    out[0] = Math.log(a);
    out[1] = 1 / a;
  },
  logLoop,
);
