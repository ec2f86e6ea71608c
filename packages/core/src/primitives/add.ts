import { type BinaryLoop, binaryKernel, broadcastShapes } from '../kernels.js';
import * as m from '../math/ops.js';
import type { Primitive, ScalarRule } from '../primitive.js';
import { type NoParams, toArgShape, toShapeOf } from './define.js';

const addLoop: BinaryLoop = (out, x, sx, y, sy) => {
  for (let i = 0; i < out.length; i++) out[i] = x[i * sx]! + y[i * sy]!;
};

const scalar: ScalarRule = {
  eval: (a, b, out) => {
    out[0] = a + b;
    out[1] = 1;
    out[2] = 1;
  },
  constant: false,
};

declare module '../primitive.js' {
  interface PrimitiveParams {
    add: NoParams;
  }
}

/** a + b, broadcasting. */
export const add: Primitive<'add'> = {
  name: 'add',
  impl: ([a, b]) => binaryKernel('add', a!, b!, (x, y) => x + y, addLoop),
  shape: ([sa, sb]) => broadcastShapes('add', sa!, sb!),
  jvp: ([ta, tb], _p, y) => toShapeOf(ta == null ? tb! : tb == null ? ta : m.add(ta, tb), y),
  vjp: (ct, [a, b], _y, _p, needs) => [
    needs[0] ? toArgShape(ct, a!) : null,
    needs[1] ? toArgShape(ct, b!) : null,
  ],
  scalar,
};
