/**
 * Type tests for library authors: generic code over any pytree type X compiles, and a loss typed
 * with `Traced<Params>` is accepted where the parameters are `Params`.
 */
import {
  type Backend,
  type Fn,
  gradient,
  NDArray,
  prepareGradient,
  type Traced,
  type Tree,
  valueAndGradient,
} from '@diffint/core';
import type { Value } from '@diffint/core/math';
import * as m from '@diffint/core/math';
import { tape } from '@diffint/tape';
import { expectTypeOf } from 'vitest';

/** One step of a generic optimiser: its value and gradient, for whatever parameters it is given. */
function step<X extends Tree>(f: Fn<X, [], Value>, b: Backend, x: X) {
  return valueAndGradient(f, b, x);
}

/** A prepared gradient in generic code. */
function descend<X extends Tree>(f: Fn<X, [], Value>, b: Backend, x: X) {
  const prep = prepareGradient(f, b, x);
  return prep.gradient(x);
}

type Params = { W: NDArray; b: Float64Array; scale: number };
const params: Params = { W: NDArray.zeros([2, 2]), b: new Float64Array(2), scale: 1 };
const loss = (p: Traced<Params>) => m.add(m.sum(m.matvec(p.W, p.b)), p.scale);

const [value, grad] = step(loss, tape(), params);
expectTypeOf(value).toEqualTypeOf<number>();
expectTypeOf(grad.W).toEqualTypeOf<NDArray>();
expectTypeOf(grad.b).toEqualTypeOf<Float64Array>();
expectTypeOf(grad.scale).toEqualTypeOf<number>();
expectTypeOf(descend(loss, tape(), params).b).toEqualTypeOf<Float64Array>();

// Parameters of an `interface` type (not assignable to `Tree`) are still accepted directly.
interface Layer {
  W: NDArray;
  b: Float64Array;
}
declare const layer: Layer;
expectTypeOf(gradient((p) => m.sum(p.b), tape(), layer).W).toEqualTypeOf<NDArray>();

// What is not a pytree is still refused at the argument.
// @ts-expect-error a string is not a pytree
gradient((p: Value) => p, tape(), 'x');
// @ts-expect-error a Float32Array is not a leaf
gradient((p) => m.sum(p.a), tape(), { a: new Float32Array(2) });
