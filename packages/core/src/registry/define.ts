/**
 * How a primitive is defined: the helpers each file of `src/primitives/` calls. An elementwise
 * primitive states its element function and its partial derivatives once, in portable math; its
 * kernel, JVP, VJP and scalar rule follow from them. Any other primitive states its kernel, shape
 * rule and JVP rule, and a VJP rule only where transposing the JVP will not do.
 *
 * Function declarations only: primitive files call these while the modules are still loading.
 */
// First: primitive files call these helpers while the modules below are still loading (the import
// cycle through portable math), so what a definition needs at once must be loaded before them.
import { scalarEvalOf } from './scalar-rules.js';
import { type BinaryLoop, type UnaryLoop, binaryKernel, broadcastShapes, unaryKernel } from '../kernels.js';
import * as m from '../math/ops.js';
import type {
  Classification,
  Dependence,
  PrimitiveDef,
  ScalarEval,
  ScalarRule,
  Tangent,
} from '../primitive.js';
import { type Value, shapeOf } from '../trace.js';
import { sameShape } from '../values.js';
import { transposedVjp } from './transpose.js';

/** The parameters of a primitive that has none. */
export type NoParams = Record<never, never>;

/**
 * An elementwise primitive of one or two arguments: its scalar rule is always there, and so is the
 * definition it was made from (its generated scalar rule calls the stated functions).
 */
export type ElementwiseDef<N extends string, D> = PrimitiveDef<N, NoParams> & {
  readonly scalar: ScalarRule;
  readonly definition: D;
};

/** A partial derivative in portable math, given the arguments and the output. */
export type Partial1 = (x: Value, y: Value) => Value;
export type Partial2 = (a: Value, b: Value, y: Value) => Value;

export interface UnaryDefinition<N extends string> {
  readonly name: N;
  /** The op on one number: the element function of the kernel. */
  readonly f: (x: number) => number;
  /** A loop over a whole array, where it beats calling `f` per element. */
  readonly loop?: UnaryLoop;
  /** dy/dx in portable math, given x and the output y; `null` for a piecewise-constant op. */
  readonly dydx: Partial1 | null;
  /** dy/dx on numbers, where `dydx` on numbers would be slow; it must give the same numbers. */
  readonly partial?: (x: number, y: number) => number;
  /** The op is linear (neg): its VJP is its transpose. */
  readonly linear?: boolean;
}

/**
 * An elementwise unary primitive whose derivative is `dydx(x, y)`: both rules multiply by it with
 * a strong zero (`mulNoNan`: a zero (co)tangent contributes exactly zero). `dydx` is portable
 * math, so the rules differentiate again; on numbers it gives the scalar rule's partial.
 */
export function defineUnary<N extends string>(
  def: UnaryDefinition<N>,
): ElementwiseDef<N, UnaryDefinition<N>> {
  const { name, f, dydx, loop } = def;
  const constant = dydx === null;
  return {
    name,
    impl: ([x]) => unaryKernel(x!, f, loop),
    shape: ([s]) => s!,
    jvp: ([t], [x], y) => (dydx === null || t == null ? null : times(t, dydx(x!, y))),
    vjp: (ct, [x], y) => [dydx === null ? null : times(ct, dydx(x!, y))],
    scalar: { f, eval: scalarEvalOf(name, def) ?? unaryEval(def), constant },
    classification: elementwise([constant ? 'none' : def.linear ? 'linear' : 'nonlinear'], false),
    definition: def,
  };
}

/**
 * The scalar rule of a unary definition, for a primitive the generated table does not list. It is
 * one closure for every primitive, so V8 cannot inline the stated functions into it: the generated
 * rules (scalar-rules.ts), one function per primitive, are what the table's primitives use.
 */
function unaryEval<N extends string>({ f, dydx, partial }: UnaryDefinition<N>): ScalarEval {
  return (a, _b, out) => {
    const y = f(a);
    out[0] = y;
    out[1] = partial !== undefined ? partial(a, y) : dydx === null ? 0 : (dydx(a, y) as number);
  };
}

export interface BinaryDefinition<N extends string> {
  readonly name: N;
  /** The op on two numbers: the element function of the kernel. */
  readonly f: (a: number, b: number) => number;
  /** A loop over whole arrays (strides 0 or 1), where it beats calling `f` per element. */
  readonly loop?: BinaryLoop;
  /** ∂y/∂a and ∂y/∂b in portable math, given a, b and the output; `null` where always zero. */
  readonly da: Partial2 | null;
  readonly db: Partial2 | null;
  /** Both partials on numbers, where `da`/`db` on numbers would be slow; the same numbers. */
  readonly partials?: (a: number, b: number, y: number, out: Float64Array) => void;
  /** How the output depends on a and b, where the partials do not say it (default nonlinear). */
  readonly linear?: { readonly a?: boolean; readonly b?: boolean; readonly bilinear?: boolean };
}

/**
 * An elementwise binary primitive with NumPy broadcasting and partial derivatives `da`, `db`.
 * A partial that is the constant 1 or -1 adds or subtracts the tangent without a product.
 */
export function defineBinary<N extends string>(
  def: BinaryDefinition<N>,
): ElementwiseDef<N, BinaryDefinition<N>> {
  const { name, f, da, db, loop } = def;
  const dependence = (partial: Partial2 | null, linear: boolean | undefined): Dependence =>
    partial === null ? 'none' : linear ? 'linear' : 'nonlinear';
  return {
    name,
    impl: ([a, b]) => binaryKernel(name, a!, b!, f, loop),
    shape: ([sa, sb]) => broadcastShapes(name, sa!, sb!),
    jvp: ([ta, tb], [a, b], y) => {
      let t: Tangent = null;
      if (ta != null && da !== null) t = times(ta, da(a!, b!, y));
      if (tb != null && db !== null) {
        const tbTerm = times(tb, db(a!, b!, y));
        t = t === null ? tbTerm : m.add(t, tbTerm);
      }
      return t === null ? null : toShapeOf(t, y);
    },
    vjp: (ct, [a, b], y, _p, needs) => [
      needs[0] && da !== null ? toArgShape(times(ct, da(a!, b!, y)), a!) : null,
      needs[1] && db !== null ? toArgShape(times(ct, db(a!, b!, y)), b!) : null,
    ],
    scalar: { f, eval: scalarEvalOf(name, def) ?? binaryEval(def), constant: da === null && db === null },
    classification: elementwise(
      [dependence(da, def.linear?.a), dependence(db, def.linear?.b)],
      def.linear?.bilinear === true,
    ),
    definition: def,
  };
}

/** The scalar rule of a binary definition outside the generated table (see `unaryEval`). */
function binaryEval<N extends string>({ f, da, db, partials }: BinaryDefinition<N>): ScalarEval {
  return (a, b, out) => {
    const y = f(a, b);
    out[0] = y;
    if (partials !== undefined) partials(a, b, y, out);
    else {
      out[1] = da === null ? 0 : (da(a, b, y) as number);
      out[2] = db === null ? 0 : (db(a, b, y) as number);
    }
  };
}

export interface Definition<N extends string, P> {
  readonly name: N;
  readonly impl: PrimitiveDef<N, P>['impl'];
  readonly shape: PrimitiveDef<N, P>['shape'];
  readonly jvp: PrimitiveDef<N, P>['jvp'];
  /** Stated only where transposing `jvp` will not do: a linear primitive's VJP is its transpose. */
  readonly vjp?: PrimitiveDef<N, P>['vjp'];
  /** Per argument (one entry for a variadic primitive). */
  readonly args: readonly Dependence[];
  readonly bilinear?: boolean;
  readonly elementwise?: boolean;
  /** See `PrimitiveDef.elements`. */
  readonly elements?: PrimitiveDef<N, P>['elements'];
}

/**
 * A primitive that is not elementwise (or has parameters): its VJP, where not stated, is derived
 * by transposing its JVP rule (see transpose.ts), so its derivative is stated once.
 */
export function definePrimitive<N extends string, P>(def: Definition<N, P>): PrimitiveDef<N, P> {
  const classification = classify(def.args, def.bilinear === true, def.elementwise === true);
  if (def.vjp === undefined && def.args.includes('linear')) {
    // Its JVP applies the primitive itself to tangents, so transposing it would need this very rule.
    throw new Error(
      `primitive '${def.name}': a primitive linear in an argument states its VJP (its transpose), which ` +
        'the derived VJPs of other primitives are built from.',
    );
  }
  const prim: PrimitiveDef<N, P> = {
    name: def.name,
    impl: def.impl,
    shape: def.shape,
    jvp: def.jvp,
    vjp:
      def.vjp ?? ((ct, primals, out, params, needs) => transposedVjp(prim, ct, primals, out, params, needs)),
    classification,
    ...(def.elements === undefined ? {} : { elements: def.elements }),
  };
  return prim;
}

function elementwise(args: readonly Dependence[], bilinear: boolean): Classification {
  return classify(args, bilinear, true);
}

function classify(args: readonly Dependence[], bilinear: boolean, isElementwise: boolean): Classification {
  return {
    elementwise: isElementwise,
    args,
    bilinear,
    zeroDerivative: args.every((d) => d === 'none'),
  };
}

/** t · d with a strong zero; a partial of exactly 1 or -1 (a plain number) needs no product. */
function times(t: Value, d: Value): Value {
  if (d === 1) return t;
  if (d === -1) return m.neg(t);
  return m.mulNoNan(t, d);
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
