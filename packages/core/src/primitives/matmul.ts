import { ShapeMismatchError } from '../errors.js';
import { matmulKernel } from '../kernels.js';
import { checkValue } from '../math/checks.js';
import * as m from '../math/ops.js';
import { type NoParams, definePrimitive } from '../registry/define.js';
import { type Value, bind, shapeOf } from '../trace.js';
import { type Shape, formatShape, sameShape } from '../values.js';
import { primitive as matmulNoNan } from './matmulNoNan.js';

/** [m, k] × [k, n] → [m, n], or a `ShapeMismatchError` naming `op`. */
export function productShape(op: string, sa: Shape, sb: Shape): Shape {
  if (sa.length !== 2 || sb.length !== 2 || sa[1] !== sb[0]) {
    throw new ShapeMismatchError(
      `${op}: shapes ${formatShape(sa)} and ${formatShape(sb)} do not multiply; ` +
        'it needs [m, k] and [k, n] (use matvec or dot for vectors).',
    );
  }
  return [sa[0]!, sb[1]!];
}

/** The matrix product [m, k] × [k, n] → [m, n], in IEEE arithmetic (NaN and ∞ propagate). */
export const primitive = definePrimitive<'matmul', NoParams>({
  name: 'matmul',
  impl: ([a, b]) => {
    productShape('matmul', shapeOf(a!), shapeOf(b!));
    return matmulKernel(a!, b!);
  },
  shape: ([sa, sb]) => productShape('matmul', sa!, sb!),
  // The rules apply the Jacobian with a strong zero (a zero (co)tangent contributes exactly zero).
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

/** Matrix product with NumPy's rules for vectors: [m,k]×[k,n], [m,k]×[k], [k]×[k,n], [k]×[k]. */
export function op(a: Value, b: Value): Value {
  return product('matmul', a, b, false);
}

/** The products of vectors and matrices, in IEEE arithmetic or with a strong zero. */
export function product(op: string, a: Value, b: Value, strong: boolean): Value {
  checkValue(op, 'a', a);
  checkValue(op, 'b', b);
  const sa = shapeOf(a);
  const sb = shapeOf(b);
  const prim = strong ? matmulNoNan : primitive;
  if (sa.length === 2 && sb.length === 2) return bind(prim, [a, b], {});
  if (sa.length === 2 && sb.length === 1 && sa[1] === sb[0]) {
    return m.reshape(bind(prim, [a, m.reshape(b, [sb[0]!, 1])], {}), [sa[0]!]);
  }
  if (sa.length === 1 && sb.length === 2 && sa[0] === sb[0]) {
    return m.reshape(bind(prim, [m.reshape(a, [1, sa[0]!]), b], {}), [sb[1]!]);
  }
  if (sa.length === 1 && sameShape(sa, sb)) return m.sum(strong ? m.mulNoNan(a, b) : m.mul(a, b));
  throw new ShapeMismatchError(
    `${op}: shapes ${formatShape(sa)} and ${formatShape(sb)} do not multiply; it needs [m, k] × [k, n], ` +
      '[m, k] × [k], [k] × [k, n] or two vectors of one length.',
  );
}
