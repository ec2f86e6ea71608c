/**
 * Portable math: the op set differentiable code is written with. Each op binds a primitive (the
 * innermost trace among its arguments interprets it; with no traced argument, the float64
 * kernel runs) or is built from other ops. Plain numbers take a fast path. The ops of the
 * primitives are in primitive-ops.ts (generated from src/primitives/); this file holds the ops
 * built from them.
 *
 * Function declarations only: the primitives' rules import this module, so nothing here may run
 * while the modules are still loading.
 */
import { InvalidInputError, ShapeMismatchError } from '../errors.js';
import { Tracer, type Value, primalValue, shapeOf } from '../trace.js';
import { NDArray, type Plain, type Shape, formatShape, fromData, sameShape, sizeOf } from '../values.js';
import { checkIndex, checkShape, checkValue, checkValues, normaliseAxis, value1 } from './checks.js';
import { product } from '../primitives/matmul.js';
import { concat, div, maximum, reshape, slice, sum } from './primitive-ops.js';

export * from './primitive-ops.js';
export * from './composites.js';
export type { Value } from '../trace.js';

// ---- elementwise ----

/** max(x, 0) elementwise: `maximum(x, 0)`, so its derivative at 0 is ½. */
export function relu(a: Value): Value {
  return maximum(value1('relu', a), 0);
}

// ---- reductions and shapes ----

/** Mean of all elements, or along `axis`. */
export function mean(a: Value, axis?: number): Value {
  checkValue('mean', 'a', a);
  const s = shapeOf(a);
  const count = axis === undefined ? sizeOf(s) : s[normaliseAxis('mean', axis, s)]!;
  return div(sum(a, axis), count);
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
