import { checkValue, normaliseAxis } from '../math/checks.js';
import * as m from '../math/ops.js';
import { definePrimitive } from '../registry/define.js';
import { type Value, bind, shapeOf } from '../trace.js';
import { type Plain, fromData, plainData, plainShape, sizeOf } from '../values.js';
import { type Axis, allAxes, reducedShape, unreduce } from './sum.js';

/** The largest element of all, or along one axis: NaN if any is, -∞ over no elements. */
function maxKernel(a: Plain, axis: number | null): Plain {
  const x = plainData(a);
  const s = plainShape(a);
  const outer = axis === null ? 1 : sizeOf(s.slice(0, axis));
  const len = axis === null ? x.length : s[axis]!;
  const inner = axis === null ? 1 : sizeOf(s.slice(axis + 1));
  const out = new Float64Array(outer * inner).fill(Number.NEGATIVE_INFINITY);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < len; k++) {
      const off = (o * len + k) * inner;
      for (let i = 0; i < inner; i++) {
        const v = x[off + i]!;
        const j = o * inner + i;
        // NaN wins, and stays: every comparison with NaN is false.
        if (v > out[j]! || Number.isNaN(v)) out[j] = v;
      }
    }
  }
  return fromData(out, reducedShape('max', s, axis));
}

/**
 * The largest element of all (a scalar), or along one axis (which is removed); NaN if any element
 * is NaN, -∞ over no elements. At a tie the derivative is split equally among the k maxima: for
 * two, ½ each, the average of the one-sided derivatives (as `maximum` at a tie, and what central
 * differences give); for more, 1/k each, so the split still sums to 1 (central differences along
 * one element give ½ there).
 */
export const primitive = definePrimitive<'max', Axis>({
  name: 'max',
  impl: ([a], { axis }) => maxKernel(a!, axis),
  shape: ([s], { axis }) => reducedShape('max', s!, axis),
  jvp: ([t], [a], y, { axis }) => {
    const s = shapeOf(a!);
    const ax = axis ?? undefined;
    const atMax = m.equal(a!, unreduce(y, s, axis));
    const share = m.div(atMax, unreduce(m.sum(atMax, ax), s, axis));
    return m.sum(m.mulNoNan(t!, share), ax);
  },
  args: ['nonlinear'],
});

/**
 * The largest element of `a` (a scalar), or the largest along `axis` (removed; negative counts
 * from the end). NaN if any element is NaN; -∞ over no elements. Where k elements tie for the
 * maximum, each gets 1/k of the derivative (½ each for two: the average of the one-sided
 * derivatives, as for `maximum`).
 */
export function op(a: Value, axis?: number): Value {
  if (typeof a === 'number' && axis === undefined) return a;
  checkValue('max', 'a', a);
  return bind(
    primitive,
    [a],
    axis === undefined ? allAxes : { axis: normaliseAxis('max', axis, shapeOf(a)) },
  );
}
