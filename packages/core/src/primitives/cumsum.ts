import { ShapeMismatchError } from '../errors.js';
import { checkValue, normaliseAxis } from '../math/checks.js';
import * as m from '../math/ops.js';
import { definePrimitive } from '../registry/define.js';
import { type Value, bind, shapeOf } from '../trace.js';
import { type Plain, type Shape, formatShape, fromData, plainData, plainShape, sizeOf } from '../values.js';
import { unreduce } from './sum.js';

/** The axis along which the running sums run. */
export interface CumAxis {
  readonly axis: number;
}

function cumShape(s: Shape, axis: number): Shape {
  if (!Number.isInteger(axis) || axis < 0 || axis >= s.length) {
    throw new ShapeMismatchError(
      `cumsum: axis ${axis} is out of range for a value of shape ${formatShape(s)}.`,
    );
  }
  return s;
}

function cumsumKernel(a: Plain, axis: number): Plain {
  const x = plainData(a);
  const s = plainShape(a);
  cumShape(s, axis);
  const outer = sizeOf(s.slice(0, axis));
  const len = s[axis]!;
  const inner = sizeOf(s.slice(axis + 1));
  const out = new Float64Array(x.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = 0;
      for (let k = 0; k < len; k++) {
        const j = (o * len + k) * inner + i;
        acc += x[j]!;
        out[j] = acc;
      }
    }
  }
  return fromData(out, s);
}

/**
 * Running sums along one axis: out[…, i, …] = Σ_{k ≤ i} v[…, k, …]. Linear; its transpose, the
 * VJP, is the running sum from the other end: the total, less the running sum, plus the element.
 */
export const primitive = definePrimitive<'cumsum', CumAxis>({
  name: 'cumsum',
  impl: ([a], { axis }) => cumsumKernel(a!, axis),
  shape: ([s], { axis }) => cumShape(s!, axis),
  jvp: ([t], _p, _y, { axis }) => m.cumsum(t!, axis),
  vjp: (ct, [a], _y, { axis }) => [
    m.add(m.sub(unreduce(m.sum(ct, axis), shapeOf(a!), axis), m.cumsum(ct, axis)), ct),
  ],
  args: ['linear'],
});

/**
 * Running sums of `v` along `axis` (negative counts from the end), of v's shape; without an axis,
 * of v's elements in row-major order, as a vector (NumPy's `cumsum`). The derivative is the
 * running sum of the cotangent from the far end.
 */
export function op(v: Value, axis?: number): Value {
  checkValue('cumsum', 'v', v);
  const s = shapeOf(v);
  if (axis === undefined) {
    const flat = s.length === 1 ? v : m.reshape(v, [sizeOf(s)]);
    return bind(primitive, [flat], { axis: 0 });
  }
  return bind(primitive, [v], { axis: normaliseAxis('cumsum', axis, s) });
}
