import { ShapeMismatchError } from '../errors.js';
import { transposeKernel } from '../kernels.js';
import * as m from '../math/ops.js';
import type { Primitive } from '../primitive.js';
import { shapeOf } from '../trace.js';
import { formatShape } from '../values.js';
import type { NoParams } from './define.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    transpose: NoParams;
  }
}

/** Matrix transpose ([m, n] → [n, m]). */
export const transpose: Primitive<'transpose'> = {
  name: 'transpose',
  impl: ([a]) => {
    transpose.shape([shapeOf(a!)], {});
    return transposeKernel(a!);
  },
  shape: ([s]) => {
    if (s!.length !== 2) {
      throw new ShapeMismatchError(`transpose: needs a matrix (rank 2), got shape ${formatShape(s!)}.`);
    }
    return [s![1]!, s![0]!];
  },
  jvp: ([t]) => m.transpose(t!),
  vjp: (ct) => [m.transpose(ct)],
};
