import type { BinaryLoop } from '../kernels.js';
import * as m from '../math/ops.js';
import { defineBinary } from '../registry/define.js';

const loop: BinaryLoop = (out, x, sx, y, sy) => {
  for (let i = 0; i < out.length; i++) out[i] = x[i * sx]! / y[i * sy]!;
};

/** a / b elementwise, with NumPy broadcasting; ∂/∂a = 1/b, ∂/∂b = -(a/b)/b. */
export const primitive = defineBinary({
  name: 'div',
  f: (a, b) => a / b,
  loop,
  da: (_a, b) => m.div(1, b),
  db: (_a, b, y) => m.neg(m.div(y, b)),
  linear: { a: true },
});
