import * as m from '../math/ops.js';
import { type NoParams, defineBinary } from './define.js';
import { strongProduct } from './mulNoNan.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    pow: NoParams;
  }
}

/**
 * a^b elementwise. ∂/∂a = b·a^(b-1), with a strong zero, so pow(x, 0) has derivative 0 at x = 0
 * too; ∂/∂b = a^b·log a where a > 0, and 0 elsewhere (where the real power is only defined for
 * integer b).
 */
export const pow = defineBinary(
  'pow',
  Math.pow,
  (a, b) => m.mulNoNan(b, m.pow(a, m.sub(b, 1))),
  (a, _b, y) => m.where(m.greater(a, 0), m.mul(y, m.log(m.maximum(a, Number.MIN_VALUE))), 0),
  (a, b, out) => {
    const y = a ** b;
    out[0] = y;
    out[1] = strongProduct(b, a ** (b - 1));
    out[2] = a > 0 ? y * Math.log(a) : 0;
  },
);
