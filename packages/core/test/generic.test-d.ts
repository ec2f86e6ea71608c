/**
 * Type tests for library authors: generic code over any pytree type X compiles, for every
 * operator that takes an x of any structure (and derivative's over f's output type), and a loss
 * typed with `Traced<Params>` is accepted where the parameters are `Params`.
 */
import {
  type Backend,
  type Constant,
  constant,
  derivative,
  type Fn,
  gradient,
  gradientAndHvp,
  gradientInto,
  hessian,
  hvp,
  hvpInto,
  jacobian,
  NDArray,
  type Plain,
  type Result,
  prepareDerivative,
  prepareGradient,
  prepareHessian,
  prepareHvp,
  prepareJacobian,
  preparePullback,
  preparePushforward,
  prepareSecondDerivative,
  pullback,
  pullbackInto,
  pushforward,
  pushforwardInto,
  secondDerivative,
  type Traced,
  type Tree,
  valueAndDerivative,
  valueAndGradient,
  valueAndJacobian,
  valueAndPullback,
  valueAndPushforward,
  valueDerivativeAndSecondDerivative,
  valueGradientAndHessian,
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

// ---- every operator in generic code over X (no TS2589, no "X is not assignable to X & ValidTree<X>") ----

// Each body returns the operators' results as they are: destructured inside the generic body, a
// result typed by a condition on X would take the union of both branches.

/** Scalar-valued f over any X: Jacobian (a row), Hessian, Hessian-vector products, and its products. */
function secondOrderInfo<X extends Tree>(f: Fn<X, [], Value>, b: Backend, x: X, v: X) {
  return {
    J: jacobian(f, b, x),
    yJ: valueAndJacobian(f, b, x),
    J3: prepareJacobian(f, b, x).jacobian(x),
    H: hessian(f, b, x),
    vgH: valueGradientAndHessian(f, b, x),
    H3: prepareHessian(f, b, x).hessian(x),
    Hv: hvp(f, b, x, [v]),
    gHv: gradientAndHvp(f, b, x, [v]),
    Hv3: prepareHvp(f, b, x, [v]).hvp(x, [v]),
    Hv4: hvpInto([v], f, b, x, [v]),
    g2: gradientInto(v, f, b, x),
    Jw: pullback(f, b, x, [1]),
    yJw: valueAndPullback(f, b, x, [1]),
    Jt: pushforward(f, b, x, [v]),
    Jt4: pushforwardInto([0], f, b, x, [v]),
  };
}

/** Any f over any X: pushforwards and pullbacks (a cotangent is shaped like f's output, `Result<Y>`). */
function products<X extends Tree, Y extends Value>(f: Fn<X, [], Y>, b: Backend, x: X, t: X, w: Result<Y>) {
  return {
    Jt: pushforward(f, b, x, [t]),
    yJt: valueAndPushforward(f, b, x, [t]),
    Jt3: preparePushforward(f, b, x, [t]).pushforward(x, [t]),
    Jw: pullback(f, b, x, [w]),
    yJw: valueAndPullback(f, b, x, [w]),
    Jw3: preparePullback(f, b, x, [w]).pullback(x, [w]),
    Jw4: pullbackInto([t], f, b, x, [w]),
  };
}

/** The same with a constant of any type T passed along. */
function withData<X extends Tree, T>(f: Fn<X, [Constant<T>], Value>, b: Backend, x: X, data: T) {
  return {
    g: gradient(f, b, x, constant(data)),
    J: jacobian(f, b, x, constant(data)),
    H: hessian(f, b, x, constant(data)),
  };
}

/** derivative and secondDerivative take a scalar x; generic code varies f's output type Y. */
function slopes<Y extends Value>(f: Fn<number, [], Y>, b: Backend, x: number) {
  return {
    d: derivative(f, b, x),
    yd: valueAndDerivative(f, b, x),
    d3: prepareDerivative(f, b, x).derivative(x),
    dd: secondDerivative(f, b, x),
    ydd: valueDerivativeAndSecondDerivative(f, b, x),
    dd3: prepareSecondDerivative(f, b, x).secondDerivative(x),
  };
}

// Instantiated, the generic results have the types of the concrete calls.
const info = secondOrderInfo(loss, tape(), params, params);
expectTypeOf(info.J).toEqualTypeOf<NDArray>();
expectTypeOf(info.yJ).toEqualTypeOf<[Plain, NDArray]>();
expectTypeOf(info.J3).toEqualTypeOf<NDArray>();
expectTypeOf(info.H).toEqualTypeOf<NDArray>();
expectTypeOf(info.vgH).toEqualTypeOf<[number, Params, NDArray]>();
expectTypeOf(info.H3).toEqualTypeOf<NDArray>();
expectTypeOf(info.Hv).toEqualTypeOf<Params[]>();
expectTypeOf(info.gHv).toEqualTypeOf<[Params, Params[]]>();
expectTypeOf(info.Hv3).toEqualTypeOf<Params[]>();
expectTypeOf(info.Hv4).toEqualTypeOf<Params[]>();
expectTypeOf(info.g2).toEqualTypeOf<Params>();
expectTypeOf(info.Jw).toEqualTypeOf<Params[]>();
expectTypeOf(info.yJw).toEqualTypeOf<[Plain, Params[]]>();
expectTypeOf(info.Jt).toEqualTypeOf<Plain[]>();
expectTypeOf(info.Jt4).toEqualTypeOf<Plain[]>();

const square = (v: Value) => m.mul(v, v);
const v2 = Float64Array.of(1, 2);
const prod = products(square, tape(), v2, v2, v2);
expectTypeOf(prod.Jw).toEqualTypeOf<Float64Array[]>();
// f's value, typed by the generic Y, is Plain with TypeScript 5.9 but `Plain | {}` with 7.0:
// only the part typed by X is pinned here (f typed `Fn<X, [], Value>` pins the value: `info.yJw`).
expectTypeOf(prod.yJw[1]).toEqualTypeOf<Float64Array[]>();
expectTypeOf(prod.Jw3).toEqualTypeOf<Float64Array[]>();
expectTypeOf(prod.Jw4).toEqualTypeOf<Float64Array[]>();
expectTypeOf(prod.Jt).toEqualTypeOf<Plain[]>();
expectTypeOf(prod.yJt).toEqualTypeOf<[Plain, Plain[]]>();
expectTypeOf(prod.Jt3).toEqualTypeOf<Plain[]>();

const fit = (p: Traced<Params>, data: Float64Array) => m.sum(m.mul(m.matvec(p.W, p.b), data));
const data = withData(fit, tape(), params, new Float64Array(2));
expectTypeOf(data.g).toEqualTypeOf<Params>();
expectTypeOf(data.J).toEqualTypeOf<NDArray>();
expectTypeOf(data.H).toEqualTypeOf<NDArray>();

const sl = slopes((x: Value) => m.sin(x), tape(), 1);
expectTypeOf(sl.d).toEqualTypeOf<Plain>();
expectTypeOf(sl.yd).toEqualTypeOf<[Plain, Plain]>();
expectTypeOf(sl.d3).toEqualTypeOf<Plain>();
expectTypeOf(sl.dd).toEqualTypeOf<Plain>();
expectTypeOf(sl.ydd).toEqualTypeOf<[Plain, Plain, Plain]>();
expectTypeOf(sl.dd3).toEqualTypeOf<Plain>();

// The generic overloads still refuse what is not a pytree.
// @ts-expect-error a string is not a pytree
jacobian((p: Value) => p, tape(), 'x');
// @ts-expect-error a Float32Array is not a leaf
hessian((p) => m.sum(p.a), tape(), { a: new Float32Array(2) });
// @ts-expect-error a Map is not a pytree
hvp((p: Value) => m.sum(p), tape(), new Map<string, number>(), [new Map<string, number>()]);
// @ts-expect-error a string is not a pytree
pullback((p: Value) => p, tape(), 'x', [1]);
