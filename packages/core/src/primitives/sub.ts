import { type BinaryLoop, binaryKernel, broadcastShapes } from '../kernels.js';
import * as m from '../math/ops.js';
import type { Primitive, ScalarRule } from '../primitive.js';
import { type NoParams, toArgShape, toShapeOf } from './define.js';

const subLoop: BinaryLoop = (out, x, sx, y, sy) => {
  for (let i = 0; i < out.length; i++) out[i] = x[i * sx]! - y[i * sy]!;
};

const scalar: ScalarRule = {
  eval: (a, b, out) => {
    out[0] = a - b;
    out[1] = 1;
    out[2] = -1;
  },
  constant: false,
};

declare module '../primitive.js' {
  interface PrimitiveParams {
    sub: NoParams;
  }
}

/** a - b, broadcasting. */
export const sub: Primitive<'sub'> = {
  name: 'sub',
  impl: ([a, b]) => binaryKernel('sub', a!, b!, (x, y) => x - y, subLoop),
  shape: ([sa, sb]) => broadcastShapes('sub', sa!, sb!),
  jvp: ([ta, tb], _p, y) => toShapeOf(ta == null ? m.neg(tb!) : tb == null ? ta : m.sub(ta, tb), y),
  vjp: (ct, [a, b], _y, _p, needs) => [
    needs[0] ? toArgShape(ct, a!) : null,
    needs[1] ? toArgShape(m.neg(ct), b!) : null,
  ],
  scalar,
};
