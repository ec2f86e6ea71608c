import type { UnaryLoop } from '../kernels.js';
import * as m from '../math/ops.js';
import { defineUnary } from '../registry/define.js';

const loop: UnaryLoop = (out, x) => {
  for (let i = 0; i < out.length; i++) out[i] = x[i]! * x[i]!;
};

/** x² elementwise; derivative 2x. */
export const primitive = defineUnary({ name: 'square', f: (x) => x * x, loop, dydx: (x) => m.mul(2, x) });
