import type { PrimitiveParams } from './primitives/index.js';
import type { Value } from './trace.js';
import type { Plain, Shape } from './values.js';

/**
 * The parameters of each primitive, by name: generated (by `pnpm generate` in packages/core) from
 * the definitions in `src/primitives/`, so the table of primitives is a typed map, never strings
 * cast through `unknown`: an engine that maps primitives to its own ops (tfjs) is checked against it.
 */
export type { PrimitiveParams };

/** The name of a primitive of the table. */
export type PrimitiveName = keyof PrimitiveParams;

/** A tangent or cotangent; `null` is a symbolic zero (a rule is skipped for it). */
export type Tangent = Value | null;

/**
 * How a primitive's output depends on one argument: `'none'` — its derivative is zero everywhere
 * (a condition, a comparison); `'linear'` — linear in it (the others held fixed); `'nonlinear'`.
 */
export type Dependence = 'none' | 'linear' | 'nonlinear';

/**
 * What a primitive is, stated once with its definition, for the tables that other interpreters
 * keep (sparsity, the compiler) and for deriving reverse rules by transposition.
 */
export interface Classification {
  /**
   * Elementwise with NumPy broadcasting: output element k depends only on the elements of the
   * arguments that broadcasting aligns with it.
   */
  readonly elementwise: boolean;
  /** Per argument; a variadic primitive (concat) lists one entry, which holds for every argument. */
  readonly args: readonly Dependence[];
  /**
   * True when the linear arguments multiply each other (mul, matmul): the output is linear in
   * each of them alone, not in all at once. False: jointly linear in its linear arguments (add).
   */
  readonly bilinear: boolean;
  /** The derivative is zero everywhere (every argument `'none'`): rules give symbolic zeros. */
  readonly zeroDerivative: boolean;
}

/**
 * One primitive, defined once (see `src/primitives/`): its float64 kernel, its shape rule, and
 * its JVP and VJP rules. The rules are written in portable math, so running one under an outer
 * trace differentiates it. `P` is the type of its parameters.
 */
export interface PrimitiveDef<N extends string, P> {
  readonly name: N;
  /** The float64 kernel. Never mutates its arguments; returns a fresh value. */
  impl(args: readonly Plain[], params: P): Plain;
  /** Output shape for argument shapes, or a `ShapeMismatchError` naming the op. */
  shape(shapes: readonly Shape[], params: P): Shape;
  /**
   * Tangent of the output given one tangent per argument (`null`: symbolic zero, at least one is
   * not). `out` is the primal output. Returns `null` when the output's tangent is zero. Linear in
   * the tangents.
   */
  jvp(tangents: readonly Tangent[], primals: readonly Value[], out: Value, params: P): Tangent;
  /**
   * Cotangent of each argument given the output's cotangent; `needs[i]` says whether argument i
   * needs one (others may be `null`). A `null` result is a zero cotangent. Where the definition
   * states none, it is derived by transposing `jvp`.
   */
  vjp(
    cotangent: Value,
    primals: readonly Value[],
    out: Value,
    params: P,
    needs: readonly boolean[],
  ): readonly Tangent[];
  /** Present on elementwise primitives of one or two arguments: the op on plain numbers. */
  readonly scalar?: ScalarRule;
  /**
   * Present on a primitive whose output is elements of its one argument (`slice`, `take`,
   * `reshape`): the flat (row-major) index in an argument of shape `shape` of each output
   * element when they are few, `'all'` when the output is all the argument's elements in order,
   * else null. Reverse mode then adds a cotangent into those elements of the argument's adjoint
   * (see ir/adjoints.ts) instead of adding the VJP's zero-filled array of the argument's size.
   */
  elements?(params: P, shape: Shape): Int32Array | 'all' | null;
  readonly classification: Classification;
}

/** The primitive of the table called `N`. */
export type Primitive<N extends PrimitiveName = PrimitiveName> = PrimitiveDef<N, PrimitiveParams[N]>;

/** The parameters type of a primitive definition. */
export type ParamsOf<D> = D extends PrimitiveDef<string, infer P> ? P : never;

/**
 * The op at (a, b) on plain numbers (unary ops ignore b): writes the output to `out[0]` — the
 * number `impl` gives — and the partial derivatives ∂y/∂a, ∂y/∂b to `out[1]`, `out[2]`. One
 * call per op and no boxed results, so an engine can record a scalar op as numbers.
 */
export type ScalarEval = (a: number, b: number, out: Float64Array) => void;

/**
 * An elementwise primitive on plain numbers with its local partials: an engine records a scalar
 * op as numbers instead of keeping its arguments and calling `vjp` (the tape's scalar path).
 * The partials agree with `jvp` and `vjp` at every point; the rule property tests check it.
 */
export interface ScalarRule {
  /** The op alone on numbers (unary ops ignore b): what `impl` gives for number arguments. */
  readonly f: (a: number, b: number) => number;
  readonly eval: ScalarEval;
  /** Piecewise constant (comparisons, sign): every partial is zero and no argument is recorded. */
  readonly constant: boolean;
}

/** Any primitive of the table, with its own parameter type. */
export type AnyPrimitive = { [N in PrimitiveName]: Primitive<N> }[PrimitiveName];
