import { InvalidInputError, ShapeMismatchError } from '../errors.js';
import { checkValue } from '../math/checks.js';
import type { Tangent } from '../primitive.js';
import { definePrimitive } from '../registry/define.js';
import { type Value, bind } from '../trace.js';
import { type Plain, type Shape, formatShape } from '../values.js';

/**
 * A function with derivative rules of its own, as the `customCall` primitive applies it: what
 * `customRule` and `differentiateWith` make. Its `id` tells calls apart when programs are matched
 * by structure (two calls of one name are still different functions).
 */
export interface CustomCall {
  /** Unique per call object: part of a program's structure. */
  readonly id: number;
  /** What error messages call it, as in `customRule 'softplus'`. */
  readonly name: string;
  /** f on fresh plain copies of the arguments, its result checked against `params.shape`. */
  evaluate(args: readonly Plain[], params: CustomCallParams): Plain;
  /** The output's tangent (null: zero), from the rules; linear in the tangents. */
  jvp(tangents: readonly Tangent[], primals: readonly Value[], params: CustomCallParams): Tangent;
  /** Each argument's cotangent (null: zero); `needs[i]` says which are asked for. */
  vjp(
    cotangent: Value,
    primals: readonly Value[],
    params: CustomCallParams,
    needs: readonly boolean[],
  ): readonly Tangent[];
  /**
   * f applied to any values, for an interpreter that traces through it (sparsity detection), or
   * null when f is a black box of plain values.
   */
  body(args: readonly Value[], params: CustomCallParams): Value | null;
}

/** How a custom function is called: the function, its output shape, and how its arguments are used. */
export interface CustomCallParams {
  readonly call: CustomCall;
  /** The output's shape (for these arguments' shapes). */
  readonly shape: Shape;
  /** Arguments from this index on are constants of the call (contexts): never differentiated. */
  readonly active: number;
  /** Extra data the call passes to f, compared by value when programs are matched (cache templates). */
  readonly extra: readonly unknown[];
}

/**
 * A call of a function with its own derivative rules (`customRule`, `differentiateWith`): every
 * engine takes the derivative from the rules, and the compiler runs it by its kernel (f on plain
 * values), never inlined. The rules are the function's own, so nothing here is linear.
 */
export const primitive = definePrimitive<'customCall', CustomCallParams>({
  name: 'customCall',
  impl: (args, params) => params.call.evaluate(args as readonly Plain[], params),
  shape: (shapes, { call, shape, active }) => {
    if (shapes.length < active) {
      throw new ShapeMismatchError(
        `${call.name}: called with ${shapes.length} arguments, fewer than its ${active} primals.`,
      );
    }
    return shape;
  },
  jvp: (tangents, primals, _y, params) => params.call.jvp(tangents, primals, params),
  vjp: (ct, primals, _y, params, needs) => params.call.vjp(ct, primals, params, needs),
  args: ['nonlinear'],
});

/**
 * Applies a custom function to its arguments: the op behind `customRule` and `differentiateWith`
 * (call those instead). `shape` is the output's shape for these arguments.
 */
export function op(
  call: CustomCall,
  args: readonly Value[],
  shape: Shape,
  active: number = args.length,
  extra: readonly unknown[] = noExtra,
): Value {
  args.forEach((a, i) => checkValue(call.name, `primals[${i}]`, a));
  if (!Number.isInteger(active) || active < 0 || active > args.length) {
    throw new InvalidInputError(
      `customCall: active must be an integer in [0, ${args.length}] (the arguments that are primals), got ${active}.`,
    );
  }
  if (!Array.isArray(shape)) {
    throw new InvalidInputError(
      `customCall: shape must be a shape (an array of integers), got ${formatShape(shape)}.`,
    );
  }
  return bind(primitive, args, { call, shape, active, extra });
}

const noExtra: readonly unknown[] = Object.freeze([]);
