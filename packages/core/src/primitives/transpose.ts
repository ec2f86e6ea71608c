import { ShapeMismatchError } from '../errors.js';
import { transposeKernel } from '../kernels.js';
import { checkValue } from '../math/checks.js';
import * as m from '../math/ops.js';
import { type NoParams, definePrimitive } from '../registry/define.js';
import { type Value, bind, shapeOf } from '../trace.js';
import { type Shape, formatShape } from '../values.js';

function transposedShape(s: Shape): Shape {
  if (s.length !== 2) {
    throw new ShapeMismatchError(`transpose: needs a matrix (rank 2), got shape ${formatShape(s)}.`);
  }
  return [s[1]!, s[0]!];
}

/** Matrix transpose ([m, n] → [n, m]). */
export const primitive = definePrimitive<'transpose', NoParams>({
  name: 'transpose',
  impl: ([a]) => {
    transposedShape(shapeOf(a!));
    return transposeKernel(a!);
  },
  shape: ([s]) => transposedShape(s!),
  jvp: ([t]) => m.transpose(t!),
  vjp: (ct) => [m.transpose(ct)],
  args: ['linear'],
});

/** Matrix transpose. */
export function op(a: Value): Value {
  checkValue('transpose', 'a', a);
  return bind(primitive, [a], {});
}
