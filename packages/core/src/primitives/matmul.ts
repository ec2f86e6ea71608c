import { ShapeMismatchError } from '../errors.js';
import { matmulKernel } from '../kernels.js';
import * as m from '../math/ops.js';
import type { Primitive } from '../primitive.js';
import { shapeOf } from '../trace.js';
import { formatShape } from '../values.js';
import type { NoParams } from './define.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    matmul: NoParams;
  }
}

/** Matrix product [m, k] × [k, n] → [m, n]; `dot` and `matvec` are built on it. */
export const matmul: Primitive<'matmul'> = {
  name: 'matmul',
  impl: ([a, b]) => {
    matmul.shape([shapeOf(a!), shapeOf(b!)], {});
    return matmulKernel(a!, b!);
  },
  shape: ([sa, sb]) => {
    if (sa!.length !== 2 || sb!.length !== 2 || sa![1] !== sb![0]) {
      throw new ShapeMismatchError(
        `matmul: shapes ${formatShape(sa!)} and ${formatShape(sb!)} do not multiply; ` +
          'it needs [m, k] and [k, n] (use matvec or dot for vectors).',
      );
    }
    return [sa![0]!, sb![1]!];
  },
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
};
