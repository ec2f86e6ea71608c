/**
 * Type tests of the public signatures, checked by `tsc --noEmit`: results carry the structure of
 * their inputs, and un-annotated lambdas get their parameter types from x and the contexts.
 */
import {
  type Buffer,
  NDArray,
  type Plain,
  cache,
  constant,
  derivative,
  gradient,
  gradientAndHvp,
  hessian,
  hvp,
  inPlace,
  jacobian,
  prepareDerivative,
  prepareGradient,
  prepareHvp,
  preparePullback,
  pullback,
  pushforward,
  valueAndDerivative,
  valueAndGradient,
  valueAndJacobian,
  valueDerivativeAndSecondDerivative,
  valueGradientAndHessian,
} from '@diffint/core';
import { type ScalarEval, type ScalarRule, primitives } from '@diffint/core/engine';
import * as m from '@diffint/core/math';
import { tape } from '@diffint/tape';
import { expectTypeOf } from 'vitest';

const params = { W: NDArray.zeros([2, 3]), b: new Float64Array(2) };
const X = NDArray.zeros([4, 3]);
const loss = (p: { W: m.Value; b: m.Value }, X: NDArray) => m.sum(m.add(m.matmul(X, m.transpose(p.W)), p.b));

// gradient returns the type of x
expectTypeOf(gradient(loss, tape(), params, constant(X))).toEqualTypeOf<{ W: NDArray; b: Float64Array }>();
expectTypeOf(gradient((x) => m.sum(x), tape(), new Float64Array(3))).toEqualTypeOf<Float64Array>();
expectTypeOf(gradient((x) => m.square(x), tape(), 2)).toEqualTypeOf<number>();
expectTypeOf(gradient((x) => m.sum(x), tape(), X)).toEqualTypeOf<NDArray>();
const nested = { layers: [{ W: NDArray.zeros([1, 1]), b: new Float64Array(1) }], scale: 1 };
expectTypeOf(gradient((p) => m.mul(p.scale, m.sum(p.layers[0]!.W)), tape(), nested)).toEqualTypeOf<{
  layers: { W: NDArray; b: Float64Array }[];
  scale: number;
}>();

// parameter structs declared with `interface` are pytrees too
interface Layer {
  W: NDArray;
  b: Float64Array;
}
interface Params {
  layers: Layer[];
  scale: number;
}
declare const declared: Params;
expectTypeOf(gradient((p) => m.mul(p.scale, m.sum(p.layers[0]!.W)), tape(), declared)).toEqualTypeOf<{
  layers: { W: NDArray; b: Float64Array }[];
  scale: number;
}>();
expectTypeOf(
  prepareGradient((p) => m.sum(p.layers[0]!.b), tape(), declared).gradient(declared),
).toMatchTypeOf<Params>();

// valueAndGradient returns [number, X]
expectTypeOf(valueAndGradient(loss, tape(), params, constant(X))).toEqualTypeOf<
  [number, { W: NDArray; b: Float64Array }]
>();

// jacobian and hessian return NDArray
expectTypeOf(jacobian((x) => m.mul(x, 2), tape(), new Float64Array(2))).toEqualTypeOf<NDArray>();
expectTypeOf(jacobian(loss, tape(), params, constant(X))).toEqualTypeOf<NDArray>();
expectTypeOf(valueAndJacobian((x) => m.mul(x, 2), tape(), new Float64Array(2))).toEqualTypeOf<
  [Plain, NDArray]
>();
expectTypeOf(hessian((x) => m.sum(m.square(x)), tape(), new Float64Array(2))).toEqualTypeOf<NDArray>();
expectTypeOf(valueGradientAndHessian(loss, tape(), params, constant(X))).toEqualTypeOf<
  [number, { W: NDArray; b: Float64Array }, NDArray]
>();

// pullback and hvp return one x-shaped result per seed; pushforward one output per seed
expectTypeOf(pullback((x) => m.mul(x, 2), tape(), new Float64Array(2), [new Float64Array(2)])).toEqualTypeOf<
  Float64Array[]
>();
expectTypeOf(hvp(loss, tape(), params, [params], constant(X))).toEqualTypeOf<
  { W: NDArray; b: Float64Array }[]
>();
expectTypeOf(pushforward((x) => m.mul(x, 2), tape(), 1, [1])).toEqualTypeOf<Plain[]>();

// f receives the traced structure of x, the constant's own type and a Buffer for a cache
gradient(
  (x, k, scratch, rows) => {
    expectTypeOf(x).toEqualTypeOf<{ W: m.Value; b: m.Value }>();
    expectTypeOf(k).toEqualTypeOf<{ rate: number }>();
    expectTypeOf(scratch).toEqualTypeOf<Buffer>();
    expectTypeOf(rows).toEqualTypeOf<NDArray>();
    return m.mul(k.rate, m.sum(x.b));
  },
  tape(),
  params,
  constant({ rate: 0.1 }),
  cache(new Float64Array(4)),
  constant(X),
);
jacobian(
  (x, scratch) => {
    expectTypeOf(scratch).toEqualTypeOf<Buffer>();
    scratch.assign(x);
    return scratch.read();
  },
  tape(),
  new Float64Array(4),
  cache([4]),
);

// in-place functions
expectTypeOf(
  jacobian(
    inPlace((y: Buffer, x: m.Value) => y.assign(x), new Float64Array(2)),
    tape(),
    new Float64Array(2),
  ),
).toEqualTypeOf<NDArray>();
expectTypeOf(
  derivative(
    inPlace((y: Buffer, x: m.Value) => y.fill(x), 2),
    tape(),
    1,
  ),
).toEqualTypeOf<Plain>();

// a preparation accepts any input of the prepared type, not only the literal or buffer it saw
const prep = prepareGradient((x) => m.square(x), tape(), 0);
expectTypeOf(prep.gradient(1)).toEqualTypeOf<number>();
const prepVec = prepareGradient((x) => m.sum(x), tape(), new Float64Array(2));
const someVector: Float64Array = Float64Array.of(1, 2);
expectTypeOf(prepVec.gradient(someVector)).toEqualTypeOf<Float64Array>();
expectTypeOf(prepVec.valueAndGradientInto(someVector, someVector)).toEqualTypeOf<[number, Float64Array]>();
const prepHvp = prepareHvp(loss, tape(), params, [params], constant(X));
expectTypeOf(prepHvp.hvp({ W: X, b: someVector }, [params], constant(X))).toEqualTypeOf<
  { W: NDArray; b: Float64Array }[]
>();
const prepPull = preparePullback((x) => m.mul(x, 2), tape(), new Float64Array(2), [new Float64Array(2)]);
expectTypeOf(prepPull.pullback(someVector, [someVector])).toEqualTypeOf<Float64Array[]>();

// misuse does not type-check
// @ts-expect-error a string is not a differentiable input
gradient((x) => x, tape(), 'x');
// @ts-expect-error nor is a Float32Array deep inside a pytree
gradient((p) => m.sum(p.w[0]!), tape(), { w: [new Float32Array(2)] });
// @ts-expect-error a context must be wrapped in constant() or cache()
gradient((x) => m.sum(x), tape(), new Float64Array(2), 3);
// @ts-expect-error a prepared call with the contexts of another preparation
prepareGradient((x, k: number) => m.mul(x, k), tape(), 1, constant(2)).gradient(1, cache(3));

// engine authors: the primitive table is typed, and an elementwise primitive carries a scalar rule
expectTypeOf(primitives.sin.scalar).toEqualTypeOf<ScalarRule | undefined>();
expectTypeOf<ScalarRule['eval']>().toEqualTypeOf<ScalarEval>();
expectTypeOf<ScalarEval>().parameters.toEqualTypeOf<[number, number, Float64Array]>();
const _wrongRule: ScalarRule = {
  // @ts-expect-error a scalar rule writes its output and partials into a Float64Array
  eval: (a: number, b: number, out: number[]) => a + b + out.length,
  constant: false,
};

// nested inside an outer differentiation: a traced x, or a traced constant, types the results
// as traced values (they are traced by the outer differentiation, exactly one level down)
declare const outer: m.Value;
const x0 = new Float64Array(2);
const scaled = (x: m.Value, q: m.Value) => m.mul(q, m.sum(m.square(x)));
expectTypeOf(valueGradientAndHessian(scaled, tape(), x0, constant(outer))).toEqualTypeOf<
  [m.Value, m.Value, m.Value]
>();
expectTypeOf(valueAndGradient(scaled, tape(), x0, constant(outer))).toEqualTypeOf<[m.Value, m.Value]>();
expectTypeOf(hessian(scaled, tape(), x0, constant(outer))).toEqualTypeOf<m.Value>();
expectTypeOf(gradientAndHvp(scaled, tape(), x0, [x0], constant(outer))).toEqualTypeOf<[m.Value, m.Value[]]>();
expectTypeOf(gradient((x) => m.sum(x), tape(), outer)).toEqualTypeOf<m.Value>();
expectTypeOf(jacobian((x) => m.mul(x, 2), tape(), outer)).toEqualTypeOf<m.Value>();
expectTypeOf(derivative((x) => m.square(x), tape(), outer)).toEqualTypeOf<m.Value>();
expectTypeOf(valueDerivativeAndSecondDerivative((x) => m.square(x), tape(), outer)).toEqualTypeOf<
  [m.Value, m.Value, m.Value]
>();
expectTypeOf(
  valueAndDerivative((x: m.Value, q: m.Value) => m.mul(q, x), tape(), 2, constant(outer)),
).toEqualTypeOf<[m.Value, m.Value]>();
// a constant of plain data (or of unknown type) keeps the results plain
expectTypeOf(valueAndGradient(scaled, tape(), x0, constant(2))).toEqualTypeOf<[number, Float64Array]>();
expectTypeOf(valueGradientAndHessian(scaled, tape(), x0, constant(2))).toEqualTypeOf<
  [number, Float64Array, NDArray]
>();
expectTypeOf(derivative((x) => m.square(x), tape(), 2)).toEqualTypeOf<Plain>();
expectTypeOf(prepareDerivative((x) => m.square(x), tape(), 2).derivative(3)).toEqualTypeOf<Plain>();
