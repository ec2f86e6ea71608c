import { InvalidInputError, ShapeMismatchError } from '../errors.js';
import { concatKernel } from '../kernels.js';
import { checkValues } from '../math/checks.js';
import * as m from '../math/ops.js';
import { type NoParams, definePrimitive } from '../registry/define.js';
import { type Value, bind, shapeOf } from '../trace.js';
import { type Shape, formatShape, sameShape } from '../values.js';

function joinedShape(shapes: readonly Shape[]): Shape {
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
  return [rows, ...first.slice(1)];
}

/** Joins values along the first axis; the VJP slices the cotangent apart. */
export const primitive = definePrimitive<'concat', NoParams>({
  name: 'concat',
  impl: (parts) => {
    joinedShape(parts.map(shapeOf));
    return concatKernel(parts);
  },
  shape: joinedShape,
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
  args: ['linear'],
});

/** Joins values along the first axis. */
export function op(parts: readonly Value[]): Value {
  checkValues('concat', parts);
  if (parts.length === 0) throw new InvalidInputError('concat: needs at least one value in parts.');
  if (parts.length === 1) return parts[0]!;
  return bind(primitive, parts, {});
}
