import type { UnaryLoop } from '../kernels.js';
import * as m from '../math/ops.js';
import { defineUnary } from '../registry/define.js';

const loop: UnaryLoop = (out, x) => {
  for (let i = 0; i < out.length; i++) out[i] = Math.sin(x[i]!);
};

/** sin x elementwise; derivative cos x. */
export const primitive = defineUnary({ name: 'sin', f: Math.sin, loop, dydx: (x) => m.cos(x) });
