import type { UnaryLoop } from '../kernels.js';
import * as m from '../math/ops.js';
import { defineUnary } from '../registry/define.js';

const loop: UnaryLoop = (out, x) => {
  for (let i = 0; i < out.length; i++) out[i] = Math.cos(x[i]!);
};

/** cos x elementwise; derivative -sin x. */
export const primitive = defineUnary({ name: 'cos', f: Math.cos, loop, dydx: (x) => m.neg(m.sin(x)) });
