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
import { mul as mulP } from '../primitives/mul.js';
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
import { type Value, bind, bindElementwise, primalValue, shapeOf } from '../trace.js';
import { type Plain, type Shape, formatShape, fromData, sameShape, sizeOf } from '../values.js';

export type { Value } from '../trace.js';

const none = {} as const;

// ---- elementwise binary (NumPy broadcasting) ----

export function add(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  return bindElementwise(addP, a, b);
}
export function sub(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return bindElementwise(subP, a, b);
}
export function mul(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  return bindElementwise(mulP, a, b);
}
export function div(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return a / b;
  return bindElementwise(divP, a, b);
}
export function pow(a: Value, b: Value): Value {
  if (typeof a === 'number' && typeof b === 'number') return a ** b;
  return bindElementwise(powP, a, b);
}
export function maximum(a: Value, b: Value): Value {
  return bindElementwise(maximumP, a, b);
}
export function minimum(a: Value, b: Value): Value {
  return bindElementwise(minimumP, a, b);
}
/** 1 where a > b, else 0. */
export function greater(a: Value, b: Value): Value {
  return bindElementwise(greaterP, a, b);
}
/** 1 where a < b, else 0. */
export function less(a: Value, b: Value): Value {
  return bindElementwise(lessP, a, b);
}
/** 1 where a ≥ b, else 0. */
export function greaterEqual(a: Value, b: Value): Value {
  return bindElementwise(greaterEqualP, a, b);
}
/** 1 where a ≤ b, else 0. */
export function lessEqual(a: Value, b: Value): Value {
  return bindElementwise(lessEqualP, a, b);
}
/** 1 where a = b, else 0. */
export function equal(a: Value, b: Value): Value {
  return bindElementwise(equalP, a, b);
}
/** `a` where `cond` is non-zero, else `b`; all three broadcast. */
export function where(cond: Value, a: Value, b: Value): Value {
  if (typeof cond === 'number' && typeof a === 'number' && typeof b === 'number') return cond !== 0 ? a : b;
  return bind(whereP, [cond, a, b], none);
}

// ---- elementwise unary ----

export function neg(a: Value): Value {
  return typeof a === 'number' ? -a : bindElementwise(negP, a, undefined);
}
export function square(a: Value): Value {
  return typeof a === 'number' ? a * a : bindElementwise(squareP, a, undefined);
}
export function sqrt(a: Value): Value {
  return typeof a === 'number' ? Math.sqrt(a) : bindElementwise(sqrtP, a, undefined);
}
export function exp(a: Value): Value {
  return typeof a === 'number' ? Math.exp(a) : bindElementwise(expP, a, undefined);
}
export function log(a: Value): Value {
  return typeof a === 'number' ? Math.log(a) : bindElementwise(logP, a, undefined);
}
export function sin(a: Value): Value {
  return typeof a === 'number' ? Math.sin(a) : bindElementwise(sinP, a, undefined);
}
export function cos(a: Value): Value {
  return typeof a === 'number' ? Math.cos(a) : bindElementwise(cosP, a, undefined);
}
export function tan(a: Value): Value {
  return typeof a === 'number' ? Math.tan(a) : bindElementwise(tanP, a, undefined);
}
export function tanh(a: Value): Value {
  return typeof a === 'number' ? Math.tanh(a) : bindElementwise(tanhP, a, undefined);
}
export function abs(a: Value): Value {
  return typeof a === 'number' ? Math.abs(a) : bindElementwise(absP, a, undefined);
}
export function sign(a: Value): Value {
  return bindElementwise(signP, a, undefined);
}
/** 1 / (1 + e^-x) */
export function sigmoid(a: Value): Value {
  return bindElementwise(sigmoidP, a, undefined);
}
/** max(x, 0) */
export function relu(a: Value): Value {
  return maximum(a, 0);
}

// ---- reductions and shapes ----

/** Sum of all elements (a scalar), or along `axis` (which is removed). */
export function sum(a: Value, axis?: number): Value {
  if (typeof a === 'number' && axis === undefined) return a;
  return bind(sumP, [a], { axis: axis === undefined ? null : normaliseAxis('sum', axis, shapeOf(a)) });
}

/** Mean of all elements, or along `axis`. */
export function mean(a: Value, axis?: number): Value {
  const s = shapeOf(a);
  const count = axis === undefined ? sizeOf(s) : s[normaliseAxis('mean', axis, s)]!;
  return div(sum(a, axis), count);
}

export function broadcastTo(a: Value, shape: Shape): Value {
  if (sameShape(shapeOf(a), shape)) return a;
  return bind(broadcastToP, [a], { shape: [...shape] });
}

/** Sums a value down to `shape` over the dimensions that broadcasting stretched (the VJP of broadcasting). */
export function sumTo(a: Value, shape: Shape): Value {
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

export function reshape(a: Value, shape: Shape): Value {
  if (sameShape(shapeOf(a), shape)) return a;
  return bind(reshapeP, [a], { shape: [...shape] });
}

/** Matrix transpose. */
export function transpose(a: Value): Value {
  return bind(transposeP, [a], none);
}

// ---- products ----

/** Inner product of two vectors. */
export function dot(a: Value, b: Value): Value {
  const sa = shapeOf(a);
  const sb = shapeOf(b);
  if (sa.length !== 1 || !sameShape(sa, sb)) {
    throw new ShapeMismatchError(
      `dot: needs two vectors of the same length, got ${formatShape(sa)} and ${formatShape(sb)}.`,
    );
  }
  return sum(mul(a, b));
}

/** Matrix–vector product [m, n] × [n] → [m]. */
export function matvec(M: Value, v: Value): Value {
  const sm = shapeOf(M);
  const sv = shapeOf(v);
  if (sm.length !== 2 || sv.length !== 1 || sm[1] !== sv[0]) {
    throw new ShapeMismatchError(
      `matvec: needs [m, n] and [n], got ${formatShape(sm)} and ${formatShape(sv)}.`,
    );
  }
  return reshape(bind(matmulP, [M, reshape(v, [sv[0]!, 1])], none), [sm[0]!]);
}

/** Matrix product with NumPy's rules for vectors: [m,k]×[k,n], [m,k]×[k], [k]×[k,n], [k]×[k]. */
export function matmul(a: Value, b: Value): Value {
  const ra = shapeOf(a).length;
  const rb = shapeOf(b).length;
  if (ra === 2 && rb === 2) return bind(matmulP, [a, b], none);
  if (ra === 2 && rb === 1) return matvec(a, b);
  if (ra === 1 && rb === 2) return matvec(transpose(b), a);
  if (ra === 1 && rb === 1) return dot(a, b);
  throw new ShapeMismatchError(
    `matmul: needs vectors or matrices, got shapes ${formatShape(shapeOf(a))} and ${formatShape(shapeOf(b))}.`,
  );
}

// ---- indexing ----

/** `v[i]` along the first axis (a scalar of a vector, a row of a matrix); negative i counts from the end. */
export function get(v: Value, i: number, ...rest: number[]): Value {
  if (v instanceof Float64Array && rest.length === 0) return v[checkIndex(i, v.length)]!;
  const s = shapeOf(v);
  if (s.length === 0) throw new InvalidInputError('get: cannot index a scalar.');
  const k = checkIndex(i, s[0]!);
  const row = reshape(slice(v, k, k + 1), s.slice(1));
  return rest.length === 0 ? row : get(row, rest[0]!, ...rest.slice(1));
}

/**
 * Rows start … end-1 along the first axis (end defaults to the length); negative bounds count
 * from the end, as in NumPy.
 */
export function slice(v: Value, start: number, end?: number): Value {
  const n = shapeOf(v)[0] ?? 0;
  const s = start < 0 ? start + n : start;
  const e = end === undefined ? n : end < 0 ? end + n : end;
  if (s === 0 && e === n) return v;
  return bind(sliceP, [v], { start: s, end: e });
}

/** Zero rows before and after along the first axis. */
export function pad(v: Value, before: number, after: number): Value {
  if (before === 0 && after === 0) return v;
  return bind(padP, [v], { before, after });
}

/** Joins values along the first axis. */
export function concat(parts: readonly Value[]): Value {
  if (parts.length === 1) return parts[0]!;
  return bind(concatP, parts, none);
}

/** Stacks values of one shape along a new first axis (scalars into a vector, vectors into a matrix). */
export function stack(parts: readonly Value[]): Value {
  if (parts.length === 0) throw new InvalidInputError('stack: needs at least one value.');
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

/** The plain value behind a (possibly traced) value: for control flow, printing, logging. */
export function value(v: Value): Plain {
  return primalValue(v);
}

export function shape(v: Value): Shape {
  return shapeOf(v);
}

export function size(v: Value): number {
  return sizeOf(shapeOf(v));
}

/** A fresh plain zero of a shape. */
export function zeros(shape: Shape): Plain {
  return fromData(new Float64Array(sizeOf(shape)), shape);
}

export function zerosLike(v: Value): Plain {
  return zeros(shapeOf(v));
}

function checkIndex(i: number, n: number): number {
  const k = i < 0 ? i + n : i;
  if (!Number.isInteger(i) || k < 0 || k >= n) {
    throw new InvalidInputError(`get: index ${i} is out of range for an axis of length ${n}.`);
  }
  return k;
}

function normaliseAxis(op: string, axis: number, s: Shape): number {
  const k = axis < 0 ? axis + s.length : axis;
  if (!Number.isInteger(axis) || k < 0 || k >= s.length) {
    throw new ShapeMismatchError(
      `${op}: axis ${axis} is out of range for a value of shape ${formatShape(s)}.`,
    );
  }
  return k;
}
