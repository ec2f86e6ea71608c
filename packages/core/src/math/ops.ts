/**
 * Portable math: the op set differentiable code is written with. Each op binds a primitive (the
 * innermost trace among its arguments interprets it; with no traced argument, the float64
 * kernel runs) or is built from other ops. Plain numbers take a fast path.
 *
 * Function declarations only: the primitives' rules import this module, so nothing here may run
 * while the modules are still loading.
 */
import { InvalidInputError, ShapeMismatchError } from '../errors.js';
import { abs as absP } from '../primitives/abs.js';
import { add as addP } from '../primitives/add.js';
import { broadcastTo as broadcastToP } from '../primitives/broadcastTo.js';
import { concat as concatP } from '../primitives/concat.js';
import { cos as cosP } from '../primitives/cos.js';
import { div as divP } from '../primitives/div.js';
import { equal as equalP } from '../primitives/equal.js';
import { exp as expP } from '../primitives/exp.js';
import { greater as greaterP } from '../primitives/greater.js';
import { greaterEqual as greaterEqualP } from '../primitives/greaterEqual.js';
import { less as lessP } from '../primitives/less.js';
import { lessEqual as lessEqualP } from '../primitives/lessEqual.js';
import { log as logP } from '../primitives/log.js';
import { matmul as matmulP } from '../primitives/matmul.js';
import { maximum as maximumP } from '../primitives/maximum.js';
import { minimum as minimumP } from '../primitives/minimum.js';
import { matmulNoNan as matmulNoNanP } from '../primitives/matmulNoNan.js';
import { mul as mulP } from '../primitives/mul.js';
import { mulNoNan as mulNoNanP } from '../primitives/mulNoNan.js';
import { neg as negP } from '../primitives/neg.js';
import { pad as padP } from '../primitives/pad.js';
import { pow as powP } from '../primitives/pow.js';
import { reshape as reshapeP } from '../primitives/reshape.js';
import { sigmoid as sigmoidP } from '../primitives/sigmoid.js';
import { sign as signP } from '../primitives/sign.js';
import { sin as sinP } from '../primitives/sin.js';
import { slice as sliceP } from '../primitives/slice.js';
import { sqrt as sqrtP } from '../primitives/sqrt.js';
import { square as squareP } from '../primitives/square.js';
import { sub as subP } from '../primitives/sub.js';
import { sum as sumP } from '../primitives/sum.js';
import { tan as tanP } from '../primitives/tan.js';
import { tanh as tanhP } from '../primitives/tanh.js';
import { transpose as transposeP } from '../primitives/transpose.js';
import { where as whereP } from '../primitives/where.js';
import { describeValue, fixForValue } from '../describe.js';
import { Tracer, type Value, bind, bindElementwise, primalValue, shapeOf } from '../trace.js';
import { NDArray, type Plain, type Shape, formatShape, fromData, sameShape, sizeOf } from '../values.js';

export type { Value } from '../trace.js';

const none = {} as const;

// ---- elementwise binary (NumPy broadcasting) ----

/** a + b, elementwise with NumPy broadcasting. */
export function add(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  return bindElementwise(addP, value2('add', a, b), b);
}
/** a − b, elementwise with NumPy broadcasting. */
export function sub(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return bindElementwise(subP, value2('sub', a, b), b);
}
/** a · b, elementwise with NumPy broadcasting. */
export function mul(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  return bindElementwise(mulP, value2('mul', a, b), b);
}
/**
 * a · b elementwise, with a strong zero: a zero factor makes the product 0 whatever the other is
 * (0 × ±∞ = 0 × NaN = 0). Derivative rules multiply (co)tangents by partials with it, so an
 * unselected `where` branch or a zero seed contributes exactly zero; use it in your own rules.
 */
export function mulNoNan(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') {
    const p = a * b;
    return !Number.isNaN(p) || (a !== 0 && b !== 0) ? p : 0;
  }
  return bindElementwise(mulNoNanP, value2('mulNoNan', a, b), b);
}
/** a / b, elementwise with NumPy broadcasting. */
export function div(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return a / b;
  return bindElementwise(divP, value2('div', a, b), b);
}
/** a^b, elementwise with NumPy broadcasting. */
export function pow(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return a ** b;
  return bindElementwise(powP, value2('pow', a, b), b);
}
/** The larger of a and b, elementwise with NumPy broadcasting. */
export function maximum(a: Value, b: Value): Value {
  return bindElementwise(maximumP, value2('maximum', a, b), b);
}
/** The smaller of a and b, elementwise with NumPy broadcasting. */
export function minimum(a: Value, b: Value): Value {
  return bindElementwise(minimumP, value2('minimum', a, b), b);
}
/** 1 where a > b, else 0. */
export function greater(a: Value, b: Value): Value {
  return bindElementwise(greaterP, value2('greater', a, b), b);
}
/** 1 where a < b, else 0. */
export function less(a: Value, b: Value): Value {
  return bindElementwise(lessP, value2('less', a, b), b);
}
/** 1 where a ≥ b, else 0. */
export function greaterEqual(a: Value, b: Value): Value {
  return bindElementwise(greaterEqualP, value2('greaterEqual', a, b), b);
}
/** 1 where a ≤ b, else 0. */
export function lessEqual(a: Value, b: Value): Value {
  return bindElementwise(lessEqualP, value2('lessEqual', a, b), b);
}
/** 1 where a = b, else 0. */
export function equal(a: Value, b: Value): Value {
  return bindElementwise(equalP, value2('equal', a, b), b);
}
/** `a` where `cond` is non-zero, else `b`; all three broadcast. */
export function where(cond: Value, a: Value, b: Value): Value {
  if (typeof cond === 'number' && typeof a === 'number' && typeof b === 'number') return cond !== 0 ? a : b;
  checkValue('where', 'cond', cond);
  checkValue('where', 'a', a);
  checkValue('where', 'b', b);
  return bind(whereP, [cond, a, b], none);
}

// ---- elementwise unary ----

/** −a, elementwise. */
export function neg(a: Value): Value {
  return typeof a === 'number' ? -a : bindElementwise(negP, value1('neg', a), undefined);
}
/** a², elementwise. */
export function square(a: Value): Value {
  return typeof a === 'number' ? a * a : bindElementwise(squareP, value1('square', a), undefined);
}
/** √a, elementwise. */
export function sqrt(a: Value): Value {
  return typeof a === 'number' ? Math.sqrt(a) : bindElementwise(sqrtP, value1('sqrt', a), undefined);
}
/** e^a, elementwise. */
export function exp(a: Value): Value {
  return typeof a === 'number' ? Math.exp(a) : bindElementwise(expP, value1('exp', a), undefined);
}
/** The natural logarithm of a, elementwise. */
export function log(a: Value): Value {
  return typeof a === 'number' ? Math.log(a) : bindElementwise(logP, value1('log', a), undefined);
}
/** sin a, elementwise. */
export function sin(a: Value): Value {
  return typeof a === 'number' ? Math.sin(a) : bindElementwise(sinP, value1('sin', a), undefined);
}
/** cos a, elementwise. */
export function cos(a: Value): Value {
  return typeof a === 'number' ? Math.cos(a) : bindElementwise(cosP, value1('cos', a), undefined);
}
/** tan a, elementwise. */
export function tan(a: Value): Value {
  return typeof a === 'number' ? Math.tan(a) : bindElementwise(tanP, value1('tan', a), undefined);
}
/** tanh a, elementwise. */
export function tanh(a: Value): Value {
  return typeof a === 'number' ? Math.tanh(a) : bindElementwise(tanhP, value1('tanh', a), undefined);
}
/** |a|, elementwise. */
export function abs(a: Value): Value {
  return typeof a === 'number' ? Math.abs(a) : bindElementwise(absP, value1('abs', a), undefined);
}
/** −1, 0 or 1 by the sign of a, elementwise; its derivative is 0 everywhere. */
export function sign(a: Value): Value {
  return bindElementwise(signP, value1('sign', a), undefined);
}
/** 1 / (1 + e^-x) */
export function sigmoid(a: Value): Value {
  return bindElementwise(sigmoidP, value1('sigmoid', a), undefined);
}
/** max(x, 0) */
export function relu(a: Value): Value {
  return maximum(value1('relu', a), 0);
}

// ---- reductions and shapes ----

/** Sum of all elements (a scalar), or along `axis` (which is removed; negative counts from the end). */
export function sum(a: Value, axis?: number): Value {
  if (typeof a === 'number' && axis === undefined) return a;
  checkValue('sum', 'a', a);
  return bind(sumP, [a], { axis: axis === undefined ? null : normaliseAxis('sum', axis, shapeOf(a)) });
}

/** Mean of all elements, or along `axis`. */
export function mean(a: Value, axis?: number): Value {
  checkValue('mean', 'a', a);
  const s = shapeOf(a);
  const count = axis === undefined ? sizeOf(s) : s[normaliseAxis('mean', axis, s)]!;
  return div(sum(a, axis), count);
}

/** `a` stretched to `shape` by NumPy broadcasting. */
export function broadcastTo(a: Value, shape: Shape): Value {
  checkValue('broadcastTo', 'a', a);
  checkShape('broadcastTo', 'shape', shape);
  if (sameShape(shapeOf(a), shape)) return a;
  return bind(broadcastToP, [a], { shape: [...shape] });
}

/** Sums a value down to `shape` over the dimensions that broadcasting stretched (the VJP of broadcasting). */
export function sumTo(a: Value, shape: Shape): Value {
  checkValue('sumTo', 'a', a);
  checkShape('sumTo', 'shape', shape);
  let s = shapeOf(a);
  if (sameShape(s, shape)) return a;
  while (s.length > shape.length) {
    a = sum(a, 0);
    s = s.slice(1);
  }
  for (let k = 0; k < shape.length; k++) {
    if (shape[k] === 1 && s[k] !== 1) {
      a = reshape(
        sum(a, k),
        shape.map((d, j) => (j <= k ? d : s[j]!)),
      );
      s = shapeOf(a);
    }
  }
  return a;
}

/** The same elements, row-major, in another shape of the same size. */
export function reshape(a: Value, shape: Shape): Value {
  checkValue('reshape', 'a', a);
  checkShape('reshape', 'shape', shape);
  if (sameShape(shapeOf(a), shape)) return a;
  return bind(reshapeP, [a], { shape: [...shape] });
}

/** Matrix transpose. */
export function transpose(a: Value): Value {
  checkValue('transpose', 'a', a);
  return bind(transposeP, [a], none);
}

// ---- products ----

/** Inner product of two vectors. */
export function dot(a: Value, b: Value): Value {
  return product('dot', a, b, false);
}

/** Matrix–vector product [m, n] × [n] → [m]. */
export function matvec(M: Value, v: Value): Value {
  checkValue('matvec', 'M', M);
  checkValue('matvec', 'v', v);
  const sm = shapeOf(M);
  const sv = shapeOf(v);
  if (sm.length !== 2 || sv.length !== 1 || sm[1] !== sv[0]) {
    throw new ShapeMismatchError(
      `matvec: needs [m, n] and [n], got ${formatShape(sm)} and ${formatShape(sv)}.`,
    );
  }
  return product('matvec', M, v, false);
}

/** Matrix product with NumPy's rules for vectors: [m,k]×[k,n], [m,k]×[k], [k]×[k,n], [k]×[k]. */
export function matmul(a: Value, b: Value): Value {
  return product('matmul', a, b, false);
}

/**
 * `matmul` in which a term with a zero factor is 0 whatever the other factor (±∞, NaN) is: the
 * product derivative rules apply Jacobians with (see `mulNoNan`).
 */
export function matmulNoNan(a: Value, b: Value): Value {
  return product('matmulNoNan', a, b, true);
}

/** The products of vectors and matrices, in IEEE arithmetic or with a strong zero. */
function product(op: string, a: Value, b: Value, strong: boolean): Value {
  checkValue(op, 'a', a);
  checkValue(op, 'b', b);
  const sa = shapeOf(a);
  const sb = shapeOf(b);
  const prim = strong ? matmulNoNanP : matmulP;
  if (sa.length === 2 && sb.length === 2) return bind(prim, [a, b], none);
  if (sa.length === 2 && sb.length === 1 && sa[1] === sb[0]) {
    return reshape(bind(prim, [a, reshape(b, [sb[0]!, 1])], none), [sa[0]!]);
  }
  if (sa.length === 1 && sb.length === 2 && sa[0] === sb[0]) {
    return reshape(bind(prim, [reshape(a, [1, sa[0]!]), b], none), [sb[1]!]);
  }
  if (sa.length === 1 && sameShape(sa, sb)) return sum(strong ? mulNoNan(a, b) : mul(a, b));
  throw new ShapeMismatchError(
    `${op}: shapes ${formatShape(sa)} and ${formatShape(sb)} do not multiply; it needs [m, k] × [k, n], ` +
      '[m, k] × [k], [k] × [k, n] or two vectors of one length.',
  );
}

// ---- indexing ----

/** `v[i]` along the first axis (a scalar of a vector, a row of a matrix); negative i counts from the end. */
export function get(v: Value, i: number, ...rest: number[]): Value {
  if (v instanceof Float64Array && rest.length === 0) return v[checkIndex(i, v.length)]!;
  checkValue('get', 'v', v);
  const s = shapeOf(v);
  if (s.length === 0) throw new InvalidInputError('get: cannot index a scalar (v has shape []).');
  const k = checkIndex(i, s[0]!);
  const row = reshape(slice(v, k, k + 1), s.slice(1));
  return rest.length === 0 ? row : get(row, rest[0]!, ...rest.slice(1));
}

/**
 * Rows start … end-1 along the first axis (end defaults to the length); negative bounds count
 * from the end, as in NumPy.
 */
export function slice(v: Value, start: number, end?: number): Value {
  checkValue('slice', 'v', v);
  checkInteger('slice', 'start', start);
  if (end !== undefined) checkInteger('slice', 'end', end);
  const n = shapeOf(v)[0] ?? 0;
  const s = start < 0 ? start + n : start;
  const e = end === undefined ? n : end < 0 ? end + n : end;
  if (s === 0 && e === n) return v;
  return bind(sliceP, [v], { start: s, end: e });
}

/** Zero rows before and after along the first axis. */
export function pad(v: Value, before: number, after: number): Value {
  checkValue('pad', 'v', v);
  checkCount('pad', 'before', before);
  checkCount('pad', 'after', after);
  if (before === 0 && after === 0) return v;
  return bind(padP, [v], { before, after });
}

/** Joins values along the first axis. */
export function concat(parts: readonly Value[]): Value {
  checkValues('concat', parts);
  if (parts.length === 0) throw new InvalidInputError('concat: needs at least one value in parts.');
  if (parts.length === 1) return parts[0]!;
  return bind(concatP, parts, none);
}

/** Stacks values of one shape along a new first axis (scalars into a vector, vectors into a matrix). */
export function stack(parts: readonly Value[]): Value {
  checkValues('stack', parts);
  if (parts.length === 0) throw new InvalidInputError('stack: needs at least one value in parts.');
  const s = shapeOf(parts[0]!);
  for (const p of parts) {
    if (!sameShape(shapeOf(p), s)) {
      throw new ShapeMismatchError(
        `stack: all values need one shape; got ${formatShape(s)} and ${formatShape(shapeOf(p))}.`,
      );
    }
  }
  if (parts.every((p) => typeof p === 'number')) return Float64Array.from(parts as number[]);
  return concat(parts.map((p) => reshape(p, [1, ...s])));
}

// ---- plain values ----

/**
 * The plain value behind a (possibly traced) value, for control flow, printing and logging: a
 * fresh copy when v is a traced array.
 */
export function value(v: Value): Plain {
  checkValue('value', 'v', v);
  if (!(v instanceof Tracer)) return v;
  // A copy: the primal of a traced array belongs to its engine, which may still need it.
  const p = primalValue(v);
  if (typeof p === 'number') return p;
  return p instanceof Float64Array ? p.slice() : new NDArray(p.data.slice(), p.shape);
}

/** The shape of a value ([] for a scalar). */
export function shape(v: Value): Shape {
  checkValue('shape', 'v', v);
  return shapeOf(v);
}

/** The number of elements of a value (1 for a scalar). */
export function size(v: Value): number {
  checkValue('size', 'v', v);
  return sizeOf(shapeOf(v));
}

/** A fresh plain zero of a shape. */
export function zeros(shape: Shape): Plain {
  checkShape('zeros', 'shape', shape);
  return fromData(new Float64Array(sizeOf(shape)), shape);
}

/** A fresh plain zero shaped like `v`. */
export function zerosLike(v: Value): Plain {
  checkValue('zerosLike', 'v', v);
  return zeros(shapeOf(v));
}

// ---- argument checks: InvalidInputError naming the op, the argument, what it got and the fix ----

function isValue(v: unknown): v is Value {
  // Tracers before arrays: a negative instanceof on a tracer walks its whole prototype chain.
  return typeof v === 'number' || v instanceof Tracer || v instanceof Float64Array || v instanceof NDArray;
}

function checkValue(op: string, name: string, v: unknown): asserts v is Value {
  if (!isValue(v)) {
    throw new InvalidInputError(
      `${op}: argument ${name} is ${describeValue(v)}; it must be a number, a Float64Array, an NDArray ` +
        `or a value being differentiated. ${fixForValue(v)}`,
    );
  }
}

/** Checks the only argument of a unary op and returns it. */
function value1(op: string, a: Value): Value {
  checkValue(op, 'a', a);
  return a;
}

/** Checks both arguments of a binary op and returns the first. */
function value2(op: string, a: Value, b: Value): Value {
  checkValue(op, 'a', a);
  checkValue(op, 'b', b);
  return a;
}

function checkValues(op: string, parts: readonly Value[]): void {
  if (!Array.isArray(parts)) {
    throw new InvalidInputError(
      `${op}: parts must be an array of values, got ${describeValue(parts)}. Pass [a, b, …].`,
    );
  }
  parts.forEach((p, i) => checkValue(op, `parts[${i}]`, p));
}

function checkInteger(op: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new InvalidInputError(`${op}: ${name} must be an integer, got ${describeValue(v)}.`);
  }
}

function checkCount(op: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new InvalidInputError(`${op}: ${name} must be a non-negative integer, got ${describeValue(v)}.`);
  }
}

function checkShape(op: string, name: string, shape: unknown): asserts shape is Shape {
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    throw new InvalidInputError(
      `${op}: ${name} must be a shape (an array of non-negative integers such as [2, 3]), got ${describeValue(shape)}.`,
    );
  }
}

function checkIndex(i: number, n: number): number {
  checkInteger('get', 'i', i);
  const k = i < 0 ? i + n : i;
  if (k < 0 || k >= n) {
    throw new InvalidInputError(`get: index ${i} is out of range for an axis of length ${n}.`);
  }
  return k;
}

function normaliseAxis(op: string, axis: number, s: Shape): number {
  checkInteger(op, 'axis', axis);
  const k = axis < 0 ? axis + s.length : axis;
  if (k < 0 || k >= s.length) {
    throw new ShapeMismatchError(
      `${op}: axis ${axis} is out of range for a value of shape ${formatShape(s)}.`,
    );
  }
  return k;
}
