import type { Value } from './trace.js';
import type { Plain, Shape } from './values.js';

/**
 * The parameters of each primitive, by name. Every primitive file adds its own entry by
 * declaration merging, so the table of primitives is a typed map, never strings cast through
 * `unknown`: an engine that maps primitives to its own ops (tfjs) is checked against it.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging in primitives/*.ts
export interface PrimitiveParams {}

/** The name of a primitive: a key of `PrimitiveParams`. */
export type PrimitiveName = keyof PrimitiveParams;

/** A symbolic zero derivative: the rule is skipped for it. */
export type Tangent = Value | null;

/**
 * One primitive, defined once: its float64 kernel, its shape rule, and its JVP and VJP rules.
 * The rules are written in portable math, so running one under an outer trace differentiates it.
 */
export interface Primitive<N extends PrimitiveName = PrimitiveName> {
  readonly name: N;
  /** The float64 kernel. Never mutates its arguments; returns a fresh value. */
  impl(args: readonly Plain[], params: PrimitiveParams[N]): Plain;
  /** Output shape for argument shapes, or a `ShapeMismatchError` naming the op. */
  shape(shapes: readonly Shape[], params: PrimitiveParams[N]): Shape;
  /**
   * Tangent of the output given one tangent per argument (`null`: symbolic zero, at least one is
   * not). `out` is the primal output. Returns `null` when the output's tangent is zero.
   */
  jvp(
    tangents: readonly Tangent[],
    primals: readonly Value[],
    out: Value,
    params: PrimitiveParams[N],
  ): Tangent;
  /**
   * Cotangent of each argument given the output's cotangent; `needs[i]` says whether argument i
   * needs one (others may be `null`). A `null` result is a zero cotangent.
   */
  vjp(
    cotangent: Value,
    primals: readonly Value[],
    out: Value,
    params: PrimitiveParams[N],
    needs: readonly boolean[],
  ): readonly Tangent[];
  /** Present on elementwise primitives of one or two arguments: the op on plain numbers. */
  readonly scalar?: ScalarRule;
}

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
  readonly eval: ScalarEval;
  /** Piecewise constant (comparisons, sign): every partial is zero and no argument is recorded. */
  readonly constant: boolean;
}

/** A primitive of any name, as an engine iterating the table sees it. */
export type AnyPrimitive = { [N in PrimitiveName]: Primitive<N> }[PrimitiveName];
