import type { UnaryLoop } from '../kernels.js';
import { defineUnary } from '../registry/define.js';

const loop: UnaryLoop = (out, x) => {
  for (let i = 0; i < out.length; i++) out[i] = -x[i]!;
};

/** -x elementwise. */
export const primitive = defineUnary({ name: 'neg', f: (x) => -x, loop, dydx: () => -1, linear: true });
