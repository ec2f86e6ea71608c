import { ShapeMismatchError } from '../errors.js';
import { padKernel } from '../kernels.js';
import { checkCount, checkValue } from '../math/checks.js';
import * as m from '../math/ops.js';
import { definePrimitive } from '../registry/define.js';
import { type Value, bind, shapeOf } from '../trace.js';
import { type Shape, formatShape } from '../values.js';

/** Zeros added before and after the first axis. */
export interface Padding {
  readonly before: number;
  readonly after: number;
}

function paddedShape(s: Shape, { before, after }: Padding): Shape {
  if (s.length === 0 || !Number.isInteger(before) || !Number.isInteger(after) || before < 0 || after < 0) {
    throw new ShapeMismatchError(
      `pad: cannot pad a value of shape ${formatShape(s)} by (${before}, ${after}).`,
    );
  }
  return [s[0]! + before + after, ...s.slice(1)];
}

/** Zero rows before and after along the first axis (the transpose of slice). */
export const primitive = definePrimitive<'pad', Padding>({
  name: 'pad',
  impl: ([a], params) => {
    paddedShape(shapeOf(a!), params);
    return padKernel(a!, params.before, params.after);
  },
  shape: ([s], params) => paddedShape(s!, params),
  jvp: ([t], _p, _y, { before, after }) => m.pad(t!, before, after),
  vjp: (ct, [a], _y, { before }) => [m.slice(ct, before, before + shapeOf(a!)[0]!)],
  args: ['linear'],
});

/** Zero rows before and after along the first axis. */
export function op(v: Value, before: number, after: number): Value {
  checkValue('pad', 'v', v);
  checkCount('pad', 'before', before);
  checkCount('pad', 'after', after);
  if (before === 0 && after === 0) return v;
  return bind(primitive, [v], { before, after });
}
