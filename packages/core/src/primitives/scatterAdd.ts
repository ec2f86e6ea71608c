import { InvalidInputError, ShapeMismatchError } from '../errors.js';
import { broadcastsTo, checkValue, rowIndices } from '../math/checks.js';
import * as m from '../math/ops.js';
import { definePrimitive } from '../registry/define.js';
import { type Value, bind, shapeOf } from '../trace.js';
import {
  type Plain,
  type Shape,
  formatShape,
  fromData,
  plainData,
  plainShape,
  sameShape,
  sizeOf,
} from '../values.js';
import { type Rows, checkRows } from './take.js';

function updatesMismatch(su: Shape, st: Shape, k: number, broadcast: boolean): ShapeMismatchError {
  return new ShapeMismatchError(
    `scatterAdd: updates of shape ${formatShape(su)} do not fit ${k} rows of a target of shape ` +
      `${formatShape(st)}; they need shape ${formatShape([k, ...st.slice(1)])}${broadcast ? ', or one that broadcasts to it' : ''}.`,
  );
}

function scatterShape(st: Shape, su: Shape, indices: Int32Array): Shape {
  checkRows('scatterAdd', st, indices);
  if (!sameShape(su, [indices.length, ...st.slice(1)])) throw updatesMismatch(su, st, indices.length, false);
  return st;
}

function scatterAddKernel(target: Plain, indices: Int32Array, updates: Plain): Plain {
  const s = plainShape(target);
  const inner = sizeOf(s.slice(1));
  const out = plainData(target).slice();
  const u = plainData(updates);
  for (let k = 0; k < indices.length; k++) {
    const to = indices[k]! * inner;
    for (let j = 0; j < inner; j++) out[to + j] = out[to + j]! + u[k * inner + j]!;
  }
  return fromData(out, s);
}

/**
 * The target with each row of `updates` added at its index along the first axis (repeated
 * indices accumulate): `out = target; out[indices[k]] += updates[k]`, functionally (the target
 * is never written). Linear in (target, updates); the transpose of `take`.
 */
export const primitive = definePrimitive<'scatterAdd', Rows>({
  name: 'scatterAdd',
  impl: ([target, updates], { indices }) => {
    scatterShape(shapeOf(target!), shapeOf(updates!), indices);
    return scatterAddKernel(target!, indices, updates!);
  },
  shape: ([st, su], { indices }) => scatterShape(st!, su!, indices),
  jvp: ([tt, tu], [target], _y, { indices }) =>
    tu == null ? tt! : m.scatterAdd(tt ?? m.zerosLike(target!), indices, tu),
  vjp: (ct, _p, _y, { indices }, needs) => [needs[0] ? ct : null, needs[1] ? m.take(ct, indices) : null],
  args: ['linear', 'linear'],
});

/**
 * `target` with `updates[k]` added to row `indices[k]` along the first axis; repeated indices
 * accumulate. Functional: the target is never written, a new value is returned. `updates` has
 * shape `[indices.length, ...rest]` or broadcasts to it (a scalar adds the same to every row).
 */
export function op(target: Value, indices: Int32Array | readonly number[], updates: Value): Value {
  checkValue('scatterAdd', 'target', target);
  checkValue('scatterAdd', 'updates', updates);
  const s = shapeOf(target);
  if (s.length === 0) throw new InvalidInputError('scatterAdd: cannot index a scalar (target has shape []).');
  const idx = rowIndices('scatterAdd', indices, s[0]!);
  const want = [idx.length, ...s.slice(1)];
  const su = shapeOf(updates);
  if (!sameShape(su, want) && !broadcastsTo(su, want)) throw updatesMismatch(su, s, idx.length, true);
  return bind(primitive, [target, m.broadcastTo(updates, want)], { indices: idx });
}
