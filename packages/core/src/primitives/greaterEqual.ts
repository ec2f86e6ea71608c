import { defineBinary } from '../registry/define.js';

/** 1 where a ≥ b, else 0, elementwise with NumPy broadcasting; its derivative is zero. */
export const primitive = defineBinary({
  name: 'greaterEqual',
  f: (a, b) => (a >= b ? 1 : 0),
  da: null,
  db: null,
});
