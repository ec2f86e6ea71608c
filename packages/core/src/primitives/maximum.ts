import * as m from '../math/ops.js';
import { type NoParams, defineBinary } from './define.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    maximum: NoParams;
  }
}

/**
 * max(a, b) elementwise. At a tie each argument gets half the derivative: the average of the
 * one-sided derivatives, which is what central differences give (so relu′(0) = ½).
 */
export const maximum = defineBinary(
  'maximum',
  (x, y) => (x >= y || Number.isNaN(x) ? x : y),
  (a, b) => m.add(m.greater(a, b), m.mul(0.5, m.equal(a, b))),
  (a, b) => m.add(m.less(a, b), m.mul(0.5, m.equal(a, b))),
  (a, b, out) => {
    out[0] = a >= b || Number.isNaN(a) ? a : b;
    out[1] = a > b ? 1 : a === b ? 0.5 : 0;
    out[2] = a < b ? 1 : a === b ? 0.5 : 0;
  },
);
