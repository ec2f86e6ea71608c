import type { BinaryLoop } from '../kernels.js';
import { defineBinary } from '../registry/define.js';

const loop: BinaryLoop = (out, x, sx, y, sy) => {
  for (let i = 0; i < out.length; i++) out[i] = x[i * sx]! - y[i * sy]!;
};

/** a - b elementwise, with NumPy broadcasting. */
export const primitive = defineBinary({
  name: 'sub',
  f: (a, b) => a - b,
  loop,
  da: () => 1,
  db: () => -1,
  linear: { a: true, b: true },
});
