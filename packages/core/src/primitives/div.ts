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
  // ∂/∂a = 1/b and ∂/∂b = -y/b, each multiplied with a strong zero (0/0 would be NaN).
  jvp: ([ta, tb], [, b], y) => {
    const inv = m.div(1, b!);
    const da = ta == null ? null : m.mulNoNan(ta, inv);
    const db = tb == null ? null : m.mulNoNan(tb, m.neg(m.mul(y, inv)));
    return toShapeOf(da === null ? db! : db === null ? da : m.add(da, db), y);
  },
  vjp: (ct, [a, b], y, _p, needs) => {
    const inv = m.div(1, b!);
    return [
      needs[0] ? toArgShape(m.mulNoNan(ct, inv), a!) : null,
      needs[1] ? toArgShape(m.mulNoNan(ct, m.neg(m.mul(y, inv))), b!) : null,
    ];
  },
  scalar,
};
