import { ShapeMismatchError } from '../errors.js';
import { concatKernel } from '../kernels.js';
import * as m from '../math/ops.js';
import type { Primitive } from '../primitive.js';
import { shapeOf } from '../trace.js';
import { type Shape, formatShape, sameShape } from '../values.js';
import type { NoParams } from './define.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    concat: NoParams;
  }
}

/** Joins values along the first axis; the VJP slices the cotangent apart. */
export const concat: Primitive<'concat'> = {
  name: 'concat',
  impl: (parts) => {
    concat.shape(parts.map(shapeOf), {});
    return concatKernel(parts);
  },
  shape: (shapes) => {
    const first = shapes[0];
    if (first === undefined) throw new ShapeMismatchError('concat: needs at least one value.');
    let rows = 0;
    for (const s of shapes) {
      if (s.length === 0 || !sameShape(s.slice(1), first.slice(1))) {
        throw new ShapeMismatchError(
          `concat: shapes ${shapes.map(formatShape).join(', ')} do not join along the first axis ` +
            '(all must have rank ≥ 1 and the same trailing dimensions).',
        );
      }
      rows += s[0]!;
    }
    return [rows, ...first.slice(1)] as Shape;
  },
  jvp: (tangents, primals) => m.concat(tangents.map((t, i) => t ?? m.zerosLike(primals[i]!))),
  vjp: (ct, primals, _y, _p, needs) => {
    let row = 0;
    return primals.map((p, i) => {
      const n = shapeOf(p)[0]!;
      const start = row;
      row += n;
      return needs[i] ? m.slice(ct, start, start + n) : null;
    });
  },
};
