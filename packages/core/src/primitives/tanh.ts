import type { UnaryLoop } from '../kernels.js';
import * as m from '../math/ops.js';
import { defineUnary } from '../registry/define.js';

const loop: UnaryLoop = (out, x) => {
  for (let i = 0; i < out.length; i++) out[i] = Math.tanh(x[i]!);
};

/** tanh x elementwise; derivative 1 - tanh²x. */
export const primitive = defineUnary({
  name: 'tanh',
  f: Math.tanh,
  loop,
  dydx: (_x, y) => m.sub(1, m.square(y)),
});
