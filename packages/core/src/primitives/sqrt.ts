import type { UnaryLoop } from '../kernels.js';
import * as m from '../math/ops.js';
import { type NoParams, defineUnary } from './define.js';

const sqrtLoop: UnaryLoop = (out, x) => {
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(x[i]!);
};

declare module '../primitive.js' {
  interface PrimitiveParams {
    sqrt: NoParams;
  }
}

/** √x; derivative 1 / (2√x). */
export const sqrt = defineUnary(
  'sqrt',
  Math.sqrt,
  (_x, y) => m.div(0.5, y),
  (a, _b, out) => {
    const y = Math.sqrt(a);
    out[0] = y;
    out[1] = 0.5 / y;
  },
  sqrtLoop,
);
