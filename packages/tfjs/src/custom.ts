/**
 * Ops with a gradient of our own, where TensorFlow.js's cannot be differentiated again:
 * - the gradients of `where`, `maximum`, `minimum` and `pow` use comparison kernels (Less,
 *   Greater, LogicalNot …) that have no gradient, so a Hessian through them throws; a comparison
 *   on a differentiated path throws even at first order;
 * - the gradients of `exp`, `tanh` and `sigmoid` use the op's saved output, which TensorFlow.js
 *   does not connect to x on its tape, so a second derivative through them silently loses
 *   those terms (tf.grad(tf.grad(tf.exp)) finds no path at all).
 * Here a comparison is cut from the gradient (its derivative is zero), and each gradient uses only
 * ops that differentiate again (these ones included), recomputing what it needs from the inputs.
 * They follow the rules of diffint's primitives, including their choices at kinks (sign(0) = 0,
 * a tie of max or min splits the derivative in halves, pow(x, 0) has derivative 0). Other
 * products of a gradient by a partial derivative are TensorFlow.js's own, in IEEE arithmetic:
 * an unselected `where` branch with an infinite or NaN derivative makes the gradient NaN.
 */
import * as tf from '@tensorflow/tfjs';

type Tensor = tf.Tensor;

/** The smallest normal float32: keeps log(max(a, tiny)) and its derivative finite. */
const FLOAT32_TINY = 1.1754943508222875e-38;

/**
 * `value(...xs)` with `gradient(dy, xs)` as its vector-Jacobian product (one tensor per input,
 * shaped like it). The gradient gets the inputs as TensorFlow.js saved them, still connected to
 * x on its tape, so a second derivative sees through them. (The saved copy of an output is
 * not connected, so a gradient recomputes what it needs of the output.)
 */
function withGradient(
  xs: readonly Tensor[],
  value: (xs: Tensor[]) => Tensor,
  gradient: (dy: Tensor, xs: Tensor[]) => Tensor[],
): Tensor {
  return tf.customGrad((...args) => {
    const save = args.pop() as tf.GradSaveFunc;
    const inputs = args as Tensor[];
    save(inputs);
    return { value: value(inputs), gradFunc: (dy: Tensor, saved: Tensor[]) => gradient(dy, saved) };
  })(...xs);
}

/** `value(...xs)` with a zero derivative: what a comparison or a mask is. */
function withoutGradient(xs: readonly Tensor[], value: (xs: Tensor[]) => Tensor): Tensor {
  return tf.customGrad((...args) => {
    const inputs = args.slice(0, -1) as Tensor[];
    return { value: value(inputs), gradFunc: () => inputs.map((x) => tf.zeros(x.shape)) };
  })(...xs);
}

/** A float 0/1 mask of a comparison, with a zero derivative. */
export function compare(op: (a: Tensor, b: Tensor) => Tensor, a: Tensor, b: Tensor): Tensor {
  return withoutGradient([a, b], ([a, b]) => tf.cast(op(a!, b!), 'float32'));
}

/** A gradient of a broadcast output summed back to an input's shape. */
function sumToShape(g: Tensor, shape: readonly number[]): Tensor {
  const axes = tf.broadcast_util.getReductionAxes([...shape], g.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(g, axes) : g, [...shape]);
}

/** b where the float condition c is non-zero, else e (broadcasting); c has no derivative. */
export function where(c: Tensor, b: Tensor, e: Tensor): Tensor {
  return withGradient(
    [c, b, e],
    ([c, b, e]) => tf.where(tf.notEqual(c!, 0), b!, e!),
    (dy, [c, b, e]) => {
      const mask = compare(tf.notEqual, c!, tf.scalar(0));
      return [
        tf.zeros(c!.shape),
        sumToShape(tf.mul(dy, mask), b!.shape),
        sumToShape(tf.mul(dy, tf.sub(1, mask)), e!.shape),
      ];
    },
  );
}

/** 1 where `op(a, b)`, ½ where a = b, else 0: the derivative of max or min at a tie split in halves. */
function tieSplit(op: (a: Tensor, b: Tensor) => Tensor, a: Tensor, b: Tensor): Tensor {
  return tf.add(compare(op, a, b), tf.mul(0.5, compare(tf.equal, a, b)));
}

/** max(a, b); at a tie each argument gets half the derivative. */
export function maximum(a: Tensor, b: Tensor): Tensor {
  return withGradient(
    [a, b],
    ([a, b]) => tf.maximum(a!, b!),
    (dy, [a, b]) => [
      sumToShape(tf.mul(dy, tieSplit(tf.greater, a!, b!)), a!.shape),
      sumToShape(tf.mul(dy, tieSplit(tf.less, a!, b!)), b!.shape),
    ],
  );
}

/** min(a, b); at a tie each argument gets half the derivative. */
export function minimum(a: Tensor, b: Tensor): Tensor {
  return withGradient(
    [a, b],
    ([a, b]) => tf.minimum(a!, b!),
    (dy, [a, b]) => [
      sumToShape(tf.mul(dy, tieSplit(tf.less, a!, b!)), a!.shape),
      sumToShape(tf.mul(dy, tieSplit(tf.greater, a!, b!)), b!.shape),
    ],
  );
}

/** a·b where a zero factor makes the product 0 whatever the other is (0 × ∞ = 0 × NaN = 0). */
export function mulNoNan(a: Tensor, b: Tensor): Tensor {
  return withGradient(
    [a, b],
    ([a, b]) => {
      const zero = tf.logicalOr(tf.equal(a!, 0), tf.equal(b!, 0));
      return tf.where(zero, tf.zerosLike(tf.mul(a!, b!)), tf.mul(a!, b!));
    },
    (dy, [a, b]) => [sumToShape(mulNoNan(dy, b!), a!.shape), sumToShape(mulNoNan(dy, a!), b!.shape)],
  );
}

/**
 * a^b; ∂/∂a = b·a^(b-1) with a strong zero (0 where b = 0, so pow(x, 0) has derivative 0 at
 * x = 0 too), ∂/∂b = a^b·log a where a > 0 and 0 elsewhere.
 */
export function pow(a: Tensor, b: Tensor): Tensor {
  return withGradient(
    [a, b],
    ([a, b]) => tf.pow(a!, b!),
    (dy, [a, b]) => [
      sumToShape(tf.mul(dy, mulNoNan(b!, pow(a!, tf.sub(b!, 1)))), a!.shape),
      sumToShape(
        tf.mul(
          dy,
          where(
            compare(tf.greater, a!, tf.scalar(0)),
            tf.mul(pow(a!, b!), tf.log(maximum(a!, tf.scalar(FLOAT32_TINY)))),
            tf.scalar(0),
          ),
        ),
        b!.shape,
      ),
    ],
  );
}

/** |x|; derivative sign(x), 0 at 0 (TensorFlow.js's own gives -1 there). */
export function abs(x: Tensor): Tensor {
  return withGradient(
    [x],
    ([x]) => tf.abs(x!),
    (dy, [x]) => [tf.mul(dy, tf.sign(x!))],
  );
}

/** e^x; derivative e^x, recomputed from x. */
export function exp(x: Tensor): Tensor {
  return withGradient(
    [x],
    ([x]) => tf.exp(x!),
    (dy, [x]) => [tf.mul(dy, exp(x!))],
  );
}

/** tanh x; derivative 1 - tanh²x, recomputed from x. */
export function tanh(x: Tensor): Tensor {
  return withGradient(
    [x],
    ([x]) => tf.tanh(x!),
    (dy, [x]) => [tf.mul(dy, tf.sub(1, tf.square(tanh(x!))))],
  );
}

/** 1 / (1 + e^-x); derivative σ(1 - σ), recomputed from x. */
export function sigmoid(x: Tensor): Tensor {
  return withGradient(
    [x],
    ([x]) => tf.sigmoid(x!),
    (dy, [x]) => {
      const s = sigmoid(x!);
      return [tf.mul(dy, tf.mul(s, tf.sub(1, s)))];
    },
  );
}

/** The indices of rows as the [k, 1] int32 tensor that `tf.scatterND` reads. */
function rowIndexTensor(indices: Int32Array): Tensor {
  return tf.tensor2d(indices, [indices.length, 1], 'int32');
}

/**
 * Rows of x gathered along the first axis. TensorFlow.js's own gradient of a gather uses a
 * segment sum that the wasm backend lacks; this one is `scatterAdd`, which differentiates again.
 */
export function take(x: Tensor, indices: Int32Array): Tensor {
  const shape = [indices.length, ...x.shape.slice(1)];
  return withGradient(
    [x],
    ([x]) =>
      indices.length === 0
        ? tf.add(tf.zeros(shape), tf.mul(tf.sum(x!), 0))
        : tf.gather(x!, tf.tensor1d(indices, 'int32'), 0),
    (dy, [x]) => [scatterAdd(tf.zeros(x!.shape), indices, dy)],
  );
}

/** target with the rows of `updates` added at `indices` (repeats accumulate); the transpose of `take`. */
export function scatterAdd(target: Tensor, indices: Int32Array, updates: Tensor): Tensor {
  return withGradient(
    [target, updates],
    ([t, u]) =>
      indices.length === 0
        ? tf.add(t!, tf.mul(tf.sum(u!), 0))
        : tf.add(t!, tf.scatterND(rowIndexTensor(indices), u!, t!.shape)),
    (dy) => [dy, take(dy, indices)],
  );
}

/**
 * `value(x)` elementwise with derivative `dydx(x)`, computed from x by ops that differentiate
 * again (TensorFlow.js's own gradients of several of these reuse a saved output or lack a
 * kernel on some backend).
 */
function unary(x: Tensor, value: (x: Tensor) => Tensor, dydx: (x: Tensor) => Tensor): Tensor {
  return withGradient(
    [x],
    ([x]) => value(x!),
    (dy, [x]) => [tf.mul(dy, dydx(x!))],
  );
}

/** (1 - x)(1 + x), the 1 - x² of the inverse trigonometric derivatives without cancellation at ±1. */
const oneMinusSquare = (x: Tensor) => tf.mul(tf.sub(1, x), tf.add(1, x));

/** atan x; derivative 1 / (1 + x²). */
export const atan = (x: Tensor) => unary(x, tf.atan, (x) => tf.div(1, tf.add(1, tf.square(x))));
/** asin x; derivative 1 / √(1 - x²). */
export const asin = (x: Tensor) => unary(x, tf.asin, (x) => tf.div(1, tf.sqrt(oneMinusSquare(x))));
/** acos x; derivative -1 / √(1 - x²). */
export const acos = (x: Tensor) => unary(x, tf.acos, (x) => tf.div(-1, tf.sqrt(oneMinusSquare(x))));
/** sinh x; derivative cosh x. */
export const sinh = (x: Tensor): Tensor => unary(x, tf.sinh, (x) => cosh(x));
/** cosh x; derivative sinh x. */
export const cosh = (x: Tensor): Tensor => unary(x, tf.cosh, (x) => sinh(x));
/** asinh x; derivative 1 / √(x² + 1). */
export const asinh = (x: Tensor) => unary(x, tf.asinh, (x) => tf.div(1, tf.sqrt(tf.add(tf.square(x), 1))));
/** acosh x; derivative 1 / √((x - 1)(x + 1)). */
export const acosh = (x: Tensor) =>
  unary(x, tf.acosh, (x) => tf.div(1, tf.sqrt(tf.mul(tf.sub(x, 1), tf.add(x, 1)))));
/** atanh x; derivative 1 / ((1 - x)(1 + x)). */
export const atanh = (x: Tensor) => unary(x, tf.atanh, (x) => tf.div(1, oneMinusSquare(x)));
/** log(1 + x); derivative 1 / (1 + x). */
export const log1p = (x: Tensor) => unary(x, tf.log1p, (x) => tf.div(1, tf.add(1, x)));
/** e^x - 1; derivative e^x. */
export const expm1 = (x: Tensor) => unary(x, tf.expm1, (x) => exp(x));
/** log x / log b, for the base-2 and base-10 logarithms; derivative 1 / (x log b). */
export const logBase = (x: Tensor, lnBase: number) =>
  unary(
    x,
    (x) => tf.div(tf.log(x), lnBase),
    (x) => tf.div(1, tf.mul(x, lnBase)),
  );
/** erf x; derivative 2/√π · e^(-x²). */
export const erf = (x: Tensor) =>
  unary(x, tf.erf, (x) => tf.mul(2 / Math.sqrt(Math.PI), exp(tf.neg(tf.square(x)))));
/** log(1 + e^x) (TensorFlow.js's own is stable); derivative the sigmoid, which differentiates again. */
export const softplus = (x: Tensor) => unary(x, tf.softplus, (x) => sigmoid(x));

/** A piecewise-constant op (floor, round …): derivative 0 everywhere, at its jumps too. */
export const piecewiseConstant = (x: Tensor, op: (x: Tensor) => Tensor) =>
  withoutGradient([x], ([x]) => op(x!));

/** x with its fractional part removed (toward 0): TensorFlow.js has no trunc. */
export const trunc = (x: Tensor) => piecewiseConstant(x, (x) => tf.mul(tf.sign(x), tf.floor(tf.abs(x))));

/** x itself with a zero derivative. */
export const stopGradient = (x: Tensor) => withoutGradient([x], ([x]) => tf.clone(x!));

/** atan2(a, b), the angle of (b, a); ∂/∂a = b / (a² + b²), ∂/∂b = -a / (a² + b²). */
export function atan2(a: Tensor, b: Tensor): Tensor {
  return withGradient(
    [a, b],
    ([a, b]) => tf.atan2(a!, b!),
    (dy, [a, b]) => {
      const r = tf.add(tf.square(a!), tf.square(b!));
      return [
        sumToShape(tf.mul(dy, tf.div(b!, r)), a!.shape),
        sumToShape(tf.mul(dy, tf.div(tf.neg(a!), r)), b!.shape),
      ];
    },
  );
}

/**
 * The largest element (axis null) or the largest along an axis. TensorFlow.js's own gradient
 * gives the whole cotangent to every tied maximum; this one shares it equally among them, and
 * its mask of maxima is cut from the gradient (max is piecewise linear).
 */
export function max(x: Tensor, axis: number | null): Tensor {
  const kept = x.shape.map((d, i) => (axis === null || i === axis ? 1 : d));
  return withGradient(
    [x],
    ([x]) => {
      if (x!.size > 0) return axis === null ? tf.max(x!) : tf.max(x!, axis);
      return tf.fill(axis === null ? [] : x!.shape.filter((_, i) => i !== axis), Number.NEGATIVE_INFINITY);
    },
    (dy, [x]) => {
      const atMax = compare(tf.equal, x!, tf.reshape(max(x!, axis), kept));
      const count = axis === null ? tf.sum(atMax) : tf.sum(atMax, axis, true);
      return [tf.mul(tf.reshape(dy, kept), tf.div(atMax, count))];
    },
  );
}
