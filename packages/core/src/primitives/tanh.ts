import type { UnaryLoop } from '../kernels.js';
import * as m from '../math/ops.js';
import { type NoParams, defineUnary } from './define.js';

const tanhLoop: UnaryLoop = (out, x) => {
  for (let i = 0; i < out.length; i++) out[i] = Math.tanh(x[i]!);
};

declare module '../primitive.js' {
  interface PrimitiveParams {
    tanh: NoParams;
  }
}

/** tanh x; derivative 1 - tanh²x. */
export const tanh = defineUnary(
  'tanh',
  Math.tanh,
  (_x, y) => m.sub(1, m.square(y)),
  (a, _b, out) => {
    const y = Math.tanh(a);
    out[0] = y;
    out[1] = 1 - y * y;
  },
  tanhLoop,
);
