import { ShapeMismatchError } from '../errors.js';
import { sliceKernel } from '../kernels.js';
import { checkInteger, checkValue } from '../math/checks.js';
import * as m from '../math/ops.js';
import { definePrimitive } from '../registry/define.js';
import { type Value, bind, shapeOf } from '../trace.js';
import { type Shape, formatShape } from '../values.js';
import { fewRows, rowElements } from './take.js';

/** The half-open range [start, end) of the first axis. */
export interface Range {
  readonly start: number;
  readonly end: number;
}

function slicedShape(s: Shape, { start, end }: Range): Shape {
  const n = s[0];
  if (
    n === undefined ||
    !Number.isInteger(start) ||
    !Number.isInteger(end) ||
    start < 0 ||
    end < start ||
    end > n
  ) {
    throw new ShapeMismatchError(
      `slice: [${start}, ${end}) is not a range of the first axis of a value of shape ${formatShape(s)}.`,
    );
  }
  return [end - start, ...s.slice(1)];
}

function rangeOf(start: number, end: number): Int32Array {
  const r = new Int32Array(end - start);
  for (let k = 0; k < r.length; k++) r[k] = start + k;
  return r;
}

/** Rows start … end-1 along the first axis; the VJP pads the cotangent with zeros. */
export const primitive = definePrimitive<'slice', Range>({
  name: 'slice',
  impl: ([a], params) => {
    slicedShape(shapeOf(a!), params);
    return sliceKernel(a!, params.start, params.end);
  },
  shape: ([s], params) => slicedShape(s!, params),
  jvp: ([t], _p, _y, { start, end }) => m.slice(t!, start, end),
  vjp: (ct, [a], _y, { start, end }) => [m.pad(ct, start, shapeOf(a!)[0]! - end)],
  elements: ({ start, end }, s) => (fewRows(end - start, s[0]!) ? rowElements(rangeOf(start, end), s) : null),
  args: ['linear'],
});

/**
 * Rows start … end-1 along the first axis (end defaults to the length); negative bounds count
 * from the end, as in NumPy.
 */
export function op(v: Value, start: number, end?: number): Value {
  checkValue('slice', 'v', v);
  checkInteger('slice', 'start', start);
  if (end !== undefined) checkInteger('slice', 'end', end);
  const n = shapeOf(v)[0] ?? 0;
  const s = start < 0 ? start + n : start;
  const e = end === undefined ? n : end < 0 ? end + n : end;
  if (s === 0 && e === n) return v;
  return bind(primitive, [v], { start: s, end: e });
}
