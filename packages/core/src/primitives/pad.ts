import { ShapeMismatchError } from '../errors.js';
import { padKernel } from '../kernels.js';
import * as m from '../math/ops.js';
import type { Primitive } from '../primitive.js';
import { shapeOf } from '../trace.js';
import { formatShape } from '../values.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    pad: { readonly before: number; readonly after: number };
  }
}

/** Zero rows before and after along the first axis (the transpose of slice). */
export const pad: Primitive<'pad'> = {
  name: 'pad',
  impl: ([a], params) => {
    pad.shape([shapeOf(a!)], params);
    return padKernel(a!, params.before, params.after);
  },
  shape: ([s], { before, after }) => {
    if (s!.length === 0 || !Number.isInteger(before) || !Number.isInteger(after) || before < 0 || after < 0) {
      throw new ShapeMismatchError(
        `pad: cannot pad a value of shape ${formatShape(s!)} by (${before}, ${after}).`,
      );
    }
    return [s![0]! + before + after, ...s!.slice(1)];
  },
  jvp: ([t], _p, _y, { before, after }) => m.pad(t!, before, after),
  vjp: (ct, [a], _y, { before }) => [m.slice(ct, before, before + shapeOf(a!)[0]!)],
};
