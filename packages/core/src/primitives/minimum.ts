import * as m from '../math/ops.js';
import { defineBinary } from '../registry/define.js';

const min = (a: number, b: number) => (a <= b || Number.isNaN(a) ? a : b);

/**
 * The smaller of a and b elementwise (NaN if either is), with NumPy broadcasting. At a tie each
 * argument gets half the derivative: the average of the one-sided derivatives.
 */
export const primitive = defineBinary({
  name: 'minimum',
  f: min,
  da: (a, b) => m.add(m.less(a, b), m.mul(0.5, m.equal(a, b))),
  db: (a, b) => m.add(m.greater(a, b), m.mul(0.5, m.equal(a, b))),
  partials: (a, b, _y, out) => {
    out[1] = a < b ? 1 : a === b ? 0.5 : 0;
    out[2] = a > b ? 1 : a === b ? 0.5 : 0;
  },
});
