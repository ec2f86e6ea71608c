import { type BinaryLoop, binaryKernel, broadcastShapes } from '../kernels.js';
import * as m from '../math/ops.js';
import type { Primitive, ScalarRule } from '../primitive.js';
import { type NoParams, toArgShape, toShapeOf } from './define.js';

const divLoop: BinaryLoop = (out, x, sx, y, sy) => {
  for (let i = 0; i < out.length; i++) out[i] = x[i * sx]! / y[i * sy]!;
};

const scalar: ScalarRule = {
  eval: (a, b, out) => {
    const y = a / b;
    out[0] = y;
    out[1] = 1 / b;
    out[2] = -y / b;
  },
  constant: false,
};

declare module '../primitive.js' {
  interface PrimitiveParams {
    div: NoParams;
  }
}

/** a / b elementwise, broadcasting. d(a/b) = (da - (a/b)·db) / b. */
export const div: Primitive<'div'> = {
  name: 'div',
  impl: ([a, b]) => binaryKernel('div', a!, b!, (x, y) => x / y, divLoop),
  shape: ([sa, sb]) => broadcastShapes('div', sa!, sb!),
  jvp: ([ta, tb], [, b], y) => {
    const num = ta == null ? m.neg(m.mul(tb!, y)) : tb == null ? ta : m.sub(ta, m.mul(tb, y));
    return toShapeOf(m.div(num, b!), y);
  },
  vjp: (ct, [a, b], y, _p, needs) => {
    const ctb = m.div(ct, b!);
    return [needs[0] ? toArgShape(ctb, a!) : null, needs[1] ? toArgShape(m.neg(m.mul(ctb, y)), b!) : null];
  },
  scalar,
};
