import { matmulNoNanKernel } from '../kernels.js';
import * as m from '../math/ops.js';
import { type NoParams, definePrimitive } from '../registry/define.js';
import { type Value, shapeOf } from '../trace.js';
import { product, productShape } from './matmul.js';

/**
 * The matrix product [m, k] × [k, n] → [m, n] in which a term with a zero factor is 0 whatever
 * the other factor (±∞, NaN) is: the product that derivative rules apply Jacobians with (see
 * `mulNoNan`).
 */
export const primitive = definePrimitive<'matmulNoNan', NoParams>({
  name: 'matmulNoNan',
  impl: ([a, b]) => {
    productShape('matmulNoNan', shapeOf(a!), shapeOf(b!));
    return matmulNoNanKernel(a!, b!);
  },
  shape: ([sa, sb]) => productShape('matmulNoNan', sa!, sb!),
  jvp: ([ta, tb], [a, b]) => {
    if (ta == null) return m.matmulNoNan(a!, tb!);
    if (tb == null) return m.matmulNoNan(ta, b!);
    return m.add(m.matmulNoNan(ta, b!), m.matmulNoNan(a!, tb));
  },
  vjp: (ct, [a, b], _y, _p, needs) => [
    needs[0] ? m.matmulNoNan(ct, m.transpose(b!)) : null,
    needs[1] ? m.matmulNoNan(m.transpose(a!), ct) : null,
  ],
  args: ['linear', 'linear'],
  bilinear: true,
});

/**
 * `matmul` in which a term with a zero factor is 0 whatever the other factor (±∞, NaN) is: the
 * product derivative rules apply Jacobians with (see `mulNoNan`).
 */
export function op(a: Value, b: Value): Value {
  return product('matmulNoNan', a, b, true);
}
