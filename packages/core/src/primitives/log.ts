import type { UnaryLoop } from '../kernels.js';
import * as m from '../math/ops.js';
import { defineUnary } from '../registry/define.js';

const loop: UnaryLoop = (out, x) => {
  for (let i = 0; i < out.length; i++) out[i] = Math.log(x[i]!);
};

/** The natural logarithm elementwise; derivative 1/x. */
export const primitive = defineUnary({ name: 'log', f: Math.log, loop, dydx: (x) => m.div(1, x) });
