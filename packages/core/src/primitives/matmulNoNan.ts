import { matmulNoNanKernel } from '../kernels.js';
import * as m from '../math/ops.js';
import type { Primitive } from '../primitive.js';
import { shapeOf } from '../trace.js';
import type { NoParams } from './define.js';
import { matmul } from './matmul.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    matmulNoNan: NoParams;
  }
}

/**
 * The matrix product [m, k] × [k, n] → [m, n] in which a term with a zero factor is 0 whatever
 * the other factor (±∞, NaN) is: the product that derivative rules apply Jacobians with (see
 * `mulNoNan`).
 */
export const matmulNoNan: Primitive<'matmulNoNan'> = {
  name: 'matmulNoNan',
  impl: ([a, b]) => {
    matmul.shape([shapeOf(a!), shapeOf(b!)], {});
    return matmulNoNanKernel(a!, b!);
  },
  shape: (shapes) => matmul.shape(shapes, {}),
  jvp: ([ta, tb], [a, b]) => {
    if (ta == null) return m.matmulNoNan(a!, tb!);
    if (tb == null) return m.matmulNoNan(ta, b!);
    return m.add(m.matmulNoNan(ta, b!), m.matmulNoNan(a!, tb));
  },
  vjp: (ct, [a, b], _y, _p, needs) => [
    needs[0] ? m.matmulNoNan(ct, m.transpose(b!)) : null,
    needs[1] ? m.matmulNoNan(m.transpose(a!), ct) : null,
  ],
};
