import { type UnaryLoop, binaryKernel, broadcastShapes, unaryKernel } from '../kernels.js';
import * as m from '../math/ops.js';
import type {
  Primitive,
  PrimitiveName,
  PrimitiveParams,
  ScalarEval,
  ScalarRule,
  Tangent,
} from '../primitive.js';
import { type Value, shapeOf } from '../trace.js';
import { sameShape } from '../values.js';

type NamesWithNoParams = {
  [N in PrimitiveName]: PrimitiveParams[N] extends NoParams ? N : never;
}[PrimitiveName];
/** The parameters of a primitive that takes none. */
export type NoParams = Record<never, never>;

/**
 * An elementwise unary primitive whose derivative is `dydx(x, y)` (y the output): both rules
 * multiply by it, with a strong zero (`mulNoNan`: a zero (co)tangent contributes exactly zero). `dydx` is portable math, so the rules differentiate again. `scalar` computes
 * f and its derivative on a plain number (null for a piecewise-constant op, whose `dydx` is null).
 */
export function defineUnary<N extends NamesWithNoParams>(
  name: N,
  f: (x: number) => number,
  dydx: ((x: Value, y: Value) => Value) | null,
  scalar: ScalarEval | null,
  loop?: UnaryLoop,
): Primitive<N> {
  return {
    name,
    impl: ([x]) => unaryKernel(x!, f, loop),
    shape: ([s]) => s!,
    jvp: ([t], [x], y) => (dydx === null || t == null ? null : m.mulNoNan(t, dydx(x!, y))),
    vjp: (ct, [x], y) => [dydx === null ? null : m.mulNoNan(ct, dydx(x!, y))],
    scalar: scalarRule(f, scalar),
  } as Primitive<N>;
}

/** Broadcasts a tangent to the output's shape (a tangent of a broadcast argument is smaller). */
export function toShapeOf(t: Value, out: Value): Value {
  const s = shapeOf(out);
  return sameShape(shapeOf(t), s) ? t : m.broadcastTo(t, s);
}

/** A cotangent of a broadcast output, summed back to an argument's shape. */
export function toArgShape(ct: Value, arg: Value): Value {
  return m.sumTo(ct, shapeOf(arg));
}

/**
 * An elementwise binary primitive with NumPy broadcasting and partial derivatives `da`, `db`
 * (each given a, b and the output; `null` when that partial is always zero). `scalar` computes
 * f and both partials on plain numbers (null for a piecewise-constant op).
 */
export function defineBinary<N extends NamesWithNoParams>(
  name: N,
  f: (x: number, y: number) => number,
  da: ((a: Value, b: Value, y: Value) => Value) | null,
  db: ((a: Value, b: Value, y: Value) => Value) | null,
  scalar: ScalarEval | null,
): Primitive<N> {
  return {
    name,
    impl: ([a, b]) => binaryKernel(name, a!, b!, f),
    shape: ([sa, sb]) => broadcastShapes(name, sa!, sb!),
    jvp: ([ta, tb], [a, b], y) => {
      let t: Tangent = null;
      if (ta != null && da !== null) t = m.mulNoNan(ta, da(a!, b!, y));
      if (tb != null && db !== null) {
        const tbTerm = m.mulNoNan(tb, db(a!, b!, y));
        t = t === null ? tbTerm : m.add(t, tbTerm);
      }
      return t === null ? null : toShapeOf(t, y);
    },
    vjp: (ct, [a, b], y, _p, needs) => [
      needs[0] && da !== null ? toArgShape(m.mulNoNan(ct, da(a!, b!, y)), a!) : null,
      needs[1] && db !== null ? toArgShape(m.mulNoNan(ct, db(a!, b!, y)), b!) : null,
    ],
    scalar: scalarRule(f, scalar),
  } as Primitive<N>;
}

/** The scalar rule of an elementwise op; without `scalar` the op is piecewise constant. */
function scalarRule(f: (a: number, b: number) => number, scalar: ScalarEval | null): ScalarRule {
  if (scalar !== null) return { eval: scalar, constant: false };
  return {
    eval: (a, b, out) => {
      out[0] = f(a, b);
      out[1] = 0;
      out[2] = 0;
    },
    constant: true,
  };
}
