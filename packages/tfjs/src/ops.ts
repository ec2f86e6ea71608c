/**
 * The primitives of diffint as TensorFlow.js ops: one typed table, checked against the parameters
 * of each primitive. A primitive missing here is refused with `UnsupportedOperatorError`.
 */
import type { PrimitiveName, PrimitiveParams } from '@diffint/core/engine';
import * as tf from '@tensorflow/tfjs';
import { customCall } from './custom-call.js';
import * as custom from './custom.js';

type Tensor = tf.Tensor;

export type TfOp<N extends PrimitiveName> = (args: readonly Tensor[], params: PrimitiveParams[N]) => Tensor;
export type TfOpTable = { readonly [N in PrimitiveName]?: TfOp<N> };

/** Every axis after the first, whole: the tail of a slice's size or of a padding. */
const rest = <T>(t: Tensor, whole: T): T[] => Array.from({ length: t.rank - 1 }, () => whole);

/**
 * A product with a zero-sized dimension is all zeros (a sum over nothing when k = 0), with a
 * zero derivative: computed here, since the wasm backend's XNNPACK kernel (forward, and in the
 * gradient's products) rejects it with an error line on stderr.
 */
function matmul(a: Tensor, b: Tensor): Tensor {
  const [m, k] = a.shape as [number, number];
  const n = b.shape[1]!;
  return m > 0 && k > 0 && n > 0 ? tf.matMul(a, b) : tf.zeros([m, n]);
}

/**
 * A sum of an empty tensor is zeros: the webgl backend's reduction divides by the empty axis and
 * fails ("the new shape (NaN, 0)") instead. Its gradient, with respect to an empty input, is empty.
 */
function sum(x: Tensor, axis: number | null): Tensor {
  if (x.size === 0) return tf.zeros(axis === null ? [] : x.shape.filter((_, i) => i !== axis));
  return axis === null ? tf.sum(x) : tf.sum(x, axis);
}

export const tfOps: TfOpTable = {
  abs: ([x]) => custom.abs(x!),
  add: ([a, b]) => tf.add(a!, b!),
  broadcastTo: ([x], { shape }) => tf.broadcastTo(x!, [...shape]),
  concat: (parts) => tf.concat([...parts], 0),
  cos: ([x]) => tf.cos(x!),
  customCall: (args, params) => customCall(args, params),
  div: ([a, b]) => tf.div(a!, b!),
  equal: ([a, b]) => custom.compare(tf.equal, a!, b!),
  exp: ([x]) => custom.exp(x!),
  greater: ([a, b]) => custom.compare(tf.greater, a!, b!),
  greaterEqual: ([a, b]) => custom.compare(tf.greaterEqual, a!, b!),
  less: ([a, b]) => custom.compare(tf.less, a!, b!),
  lessEqual: ([a, b]) => custom.compare(tf.lessEqual, a!, b!),
  log: ([x]) => tf.log(x!),
  matmul: ([a, b]) => matmul(a!, b!),
  // In IEEE arithmetic: a strong zero inside a matrix product has no TensorFlow.js op.
  matmulNoNan: ([a, b]) => matmul(a!, b!),
  maximum: ([a, b]) => custom.maximum(a!, b!),
  minimum: ([a, b]) => custom.minimum(a!, b!),
  mul: ([a, b]) => tf.mul(a!, b!),
  mulNoNan: ([a, b]) => custom.mulNoNan(a!, b!),
  neg: ([x]) => tf.neg(x!),
  pad: ([x], { before, after }) => tf.pad(x!, [[before, after], ...rest<[number, number]>(x!, [0, 0])]),
  pow: ([a, b]) => custom.pow(a!, b!),
  reshape: ([x], { shape }) => tf.reshape(x!, [...shape]),
  scatterAdd: ([t, u], { indices }) => custom.scatterAdd(t!, indices, u!),
  sigmoid: ([x]) => custom.sigmoid(x!),
  sign: ([x]) => tf.sign(x!),
  sin: ([x]) => tf.sin(x!),
  slice: ([x], { start, end }) => tf.slice(x!, [start, ...rest(x!, 0)], [end - start, ...rest(x!, -1)]),
  sqrt: ([x]) => tf.sqrt(x!),
  square: ([x]) => tf.square(x!),
  sub: ([a, b]) => tf.sub(a!, b!),
  sum: ([x], { axis }) => sum(x!, axis),
  take: ([x], { indices }) => custom.take(x!, indices),
  tan: ([x]) => tf.tan(x!),
  tanh: ([x]) => custom.tanh(x!),
  transpose: ([x]) => tf.transpose(x!),
  where: ([c, a, b]) => custom.where(c!, a!, b!),
  atan: ([x]) => custom.atan(x!),
  atan2: ([a, b]) => custom.atan2(a!, b!),
  asin: ([x]) => custom.asin(x!),
  acos: ([x]) => custom.acos(x!),
  sinh: ([x]) => custom.sinh(x!),
  cosh: ([x]) => custom.cosh(x!),
  asinh: ([x]) => custom.asinh(x!),
  acosh: ([x]) => custom.acosh(x!),
  atanh: ([x]) => custom.atanh(x!),
  log1p: ([x]) => custom.log1p(x!),
  expm1: ([x]) => custom.expm1(x!),
  log2: ([x]) => custom.logBase(x!, Math.LN2),
  log10: ([x]) => custom.logBase(x!, Math.LN10),
  erf: ([x]) => custom.erf(x!),
  softplus: ([x]) => custom.softplus(x!),
  floor: ([x]) => custom.piecewiseConstant(x!, tf.floor),
  ceil: ([x]) => custom.piecewiseConstant(x!, tf.ceil),
  round: ([x]) => custom.piecewiseConstant(x!, tf.round),
  trunc: ([x]) => custom.trunc(x!),
  stopGradient: ([x]) => custom.stopGradient(x!),
  max: ([x], { axis }) => custom.max(x!, axis),
  cumsum: ([x], { axis }) => tf.cumsum(x!, axis),
};
