import type { UnaryLoop } from '../kernels.js';
import * as m from '../math/ops.js';
import { defineUnary } from '../registry/define.js';

const loop: UnaryLoop = (out, x) => {
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(x[i]!);
};

/** √x elementwise; derivative 1 / (2√x). */
export const primitive = defineUnary({ name: 'sqrt', f: Math.sqrt, loop, dydx: (_x, y) => m.div(0.5, y) });
