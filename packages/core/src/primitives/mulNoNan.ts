import { type BinaryLoop, binaryKernel, broadcastShapes } from '../kernels.js';
import * as m from '../math/ops.js';
import type { Primitive, ScalarRule } from '../primitive.js';
import { type NoParams, toArgShape, toShapeOf } from './define.js';

/** a·b, except that a zero factor makes the product 0 whatever the other one (±∞, NaN) is. */
export function strongProduct(a: number, b: number): number {
  const p = a * b;
  // Only 0·±∞ and 0·NaN differ from IEEE; every other product keeps its sign and value.
  return !Number.isNaN(p) || (a !== 0 && b !== 0) ? p : 0;
}

const loop: BinaryLoop = (out, x, sx, y, sy) => {
  for (let i = 0; i < out.length; i++) out[i] = strongProduct(x[i * sx]!, y[i * sy]!);
};

const scalar: ScalarRule = {
  eval: (a, b, out) => {
    out[0] = strongProduct(a, b);
    out[1] = b;
    out[2] = a;
  },
  constant: false,
};

declare module '../primitive.js' {
  interface PrimitiveParams {
    mulNoNan: NoParams;
  }
}

/**
 * a · b elementwise (broadcasting), with a strong zero: 0 × ±∞ = 0 × NaN = 0. Derivative rules
 * multiply (co)tangents by partial derivatives with it, so a zero (co)tangent — an unselected
 * `where` branch, a zero seed — contributes exactly zero even through an infinite or NaN partial.
 */
export const mulNoNan: Primitive<'mulNoNan'> = {
  name: 'mulNoNan',
  impl: ([a, b]) => binaryKernel('mulNoNan', a!, b!, strongProduct, loop),
  shape: ([sa, sb]) => broadcastShapes('mulNoNan', sa!, sb!),
  jvp: ([ta, tb], [a, b], y) => {
    const t =
      ta == null
        ? m.mulNoNan(a!, tb!)
        : tb == null
          ? m.mulNoNan(ta, b!)
          : m.add(m.mulNoNan(ta, b!), m.mulNoNan(a!, tb));
    return toShapeOf(t, y);
  },
  vjp: (ct, [a, b], _y, _p, needs) => [
    needs[0] ? toArgShape(m.mulNoNan(ct, b!), a!) : null,
    needs[1] ? toArgShape(m.mulNoNan(ct, a!), b!) : null,
  ],
  scalar,
};
