import { ShapeMismatchError } from '../errors.js';
import * as m from '../math/ops.js';
import type { Primitive } from '../primitive.js';
import { shapeOf } from '../trace.js';
import { type Plain, formatShape, fromData, plainData, plainShape, sameShape, sizeOf } from '../values.js';
import { checkRows } from './take.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    /** Row indices along the first axis of the target, each in [0, rows). */
    scatterAdd: { readonly indices: Int32Array };
  }
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
export const scatterAdd: Primitive<'scatterAdd'> = {
  name: 'scatterAdd',
  impl: ([target, updates], params) => {
    scatterAdd.shape([shapeOf(target!), shapeOf(updates!)], params);
    return scatterAddKernel(target!, params.indices, updates!);
  },
  shape: ([st, su], { indices }) => {
    checkRows('scatterAdd', st!, indices);
    const want = [indices.length, ...st!.slice(1)];
    if (!sameShape(su!, want)) {
      throw new ShapeMismatchError(
        `scatterAdd: updates of shape ${formatShape(su!)} do not fit ${indices.length} rows of a target ` +
          `of shape ${formatShape(st!)}; they need shape ${formatShape(want)}.`,
      );
    }
    return st!;
  },
  jvp: ([tt, tu], [target], _y, { indices }) =>
    tu == null ? tt! : m.scatterAdd(tt ?? m.zerosLike(target!), indices, tu),
  vjp: (ct, _p, _y, { indices }, needs) => [needs[0] ? ct : null, needs[1] ? m.take(ct, indices) : null],
};
