import { type BinaryLoop, binaryKernel, broadcastShapes } from '../kernels.js';
import * as m from '../math/ops.js';
import type { Primitive, ScalarRule } from '../primitive.js';
import { type NoParams, toArgShape, toShapeOf } from './define.js';

const mulLoop: BinaryLoop = (out, x, sx, y, sy) => {
  for (let i = 0; i < out.length; i++) out[i] = x[i * sx]! * y[i * sy]!;
};

const scalar: ScalarRule = {
  eval: (a, b, out) => {
    out[0] = a * b;
    out[1] = b;
    out[2] = a;
  },
  constant: false,
};

declare module '../primitive.js' {
  interface PrimitiveParams {
    mul: NoParams;
  }
}

/** a · b elementwise, broadcasting. */
export const mul: Primitive<'mul'> = {
  name: 'mul',
  impl: ([a, b]) => binaryKernel('mul', a!, b!, (x, y) => x * y, mulLoop),
  shape: ([sa, sb]) => broadcastShapes('mul', sa!, sb!),
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
