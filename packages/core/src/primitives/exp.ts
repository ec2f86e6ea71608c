import type { UnaryLoop } from '../kernels.js';
import { defineUnary } from '../registry/define.js';

const loop: UnaryLoop = (out, x) => {
  for (let i = 0; i < out.length; i++) out[i] = Math.exp(x[i]!);
};

/** e^x elementwise; its derivative is the output itself. */
export const primitive = defineUnary({ name: 'exp', f: Math.exp, loop, dydx: (_x, y) => y });
