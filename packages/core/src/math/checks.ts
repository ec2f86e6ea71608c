/**
 * Argument checks of portable math: each throws an `InvalidInputError` (or a `ShapeMismatchError`)
 * naming the op, the argument, what it got and the fix. Function declarations only (see ops.ts).
 */
import { describeValue, fixForValue } from '../describe.js';
import { InvalidInputError, ShapeMismatchError } from '../errors.js';
import { Tracer, type Value } from '../trace.js';
import { NDArray, type Shape, formatShape } from '../values.js';

export function isValue(v: unknown): v is Value {
  // Tracers before arrays: a negative instanceof on a tracer walks its whole prototype chain.
  return typeof v === 'number' || v instanceof Tracer || v instanceof Float64Array || v instanceof NDArray;
}

export function checkValue(op: string, name: string, v: unknown): asserts v is Value {
  if (!isValue(v)) {
    throw new InvalidInputError(
      `${op}: argument ${name} is ${describeValue(v)}; it must be a number, a Float64Array, an NDArray ` +
        `or a value being differentiated. ${fixForValue(v)}`,
    );
  }
}

/** Checks the only argument of a unary op and returns it. */
export function value1(op: string, a: Value): Value {
  checkValue(op, 'a', a);
  return a;
}

/** Checks both arguments of a binary op and returns the first. */
export function value2(op: string, a: Value, b: Value): Value {
  checkValue(op, 'a', a);
  checkValue(op, 'b', b);
  return a;
}

export function checkValues(op: string, parts: readonly Value[]): void {
  if (!Array.isArray(parts)) {
    throw new InvalidInputError(
      `${op}: parts must be an array of values, got ${describeValue(parts)}. Pass [a, b, …].`,
    );
  }
  parts.forEach((p, i) => checkValue(op, `parts[${i}]`, p));
}

export function checkInteger(op: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new InvalidInputError(`${op}: ${name} must be an integer, got ${describeValue(v)}.`);
  }
}

export function checkCount(op: string, name: string, v: unknown): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new InvalidInputError(`${op}: ${name} must be a non-negative integer, got ${describeValue(v)}.`);
  }
}

export function checkShape(op: string, name: string, shape: unknown): asserts shape is Shape {
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    throw new InvalidInputError(
      `${op}: ${name} must be a shape (an array of non-negative integers such as [2, 3]), got ${describeValue(shape)}.`,
    );
  }
}

export function checkIndex(i: number, n: number): number {
  checkInteger('get', 'i', i);
  const k = i < 0 ? i + n : i;
  if (k < 0 || k >= n) {
    throw new InvalidInputError(`get: index ${i} is out of range for an axis of length ${n}.`);
  }
  return k;
}

/**
 * Indices along an axis of length n as a fresh `Int32Array` of non-negative ones: the op keeps it,
 * so the caller may reuse its array afterwards.
 */
export function rowIndices(op: string, indices: unknown, n: number): Int32Array {
  if (!(indices instanceof Int32Array) && !Array.isArray(indices)) {
    throw new InvalidInputError(
      `${op}: indices must be an Int32Array or an array of integers, got ${describeValue(indices)}.`,
    );
  }
  const out = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i: unknown = indices[k];
    if (typeof i !== 'number' || !Number.isInteger(i)) {
      throw new InvalidInputError(`${op}: indices[${k}] must be an integer, got ${describeValue(i)}.`);
    }
    const j = i < 0 ? i + n : i;
    if (j < 0 || j >= n) {
      throw new InvalidInputError(
        `${op}: indices[${k}] is ${i}, out of range for an axis of length ${n} ` +
          '(indices count from 0, negative ones from the end).',
      );
    }
    out[k] = j;
  }
  return out;
}

/** Whether NumPy broadcasting stretches shape `from` to exactly `to`. */
export function broadcastsTo(from: Shape, to: Shape): boolean {
  if (from.length > to.length) return false;
  for (let k = 1; k <= from.length; k++) {
    const d = from[from.length - k]!;
    if (d !== 1 && d !== to[to.length - k]) return false;
  }
  return true;
}

export function normaliseAxis(op: string, axis: number, s: Shape): number {
  checkInteger(op, 'axis', axis);
  const k = axis < 0 ? axis + s.length : axis;
  if (k < 0 || k >= s.length) {
    throw new ShapeMismatchError(
      `${op}: axis ${axis} is out of range for a value of shape ${formatShape(s)}.`,
    );
  }
  return k;
}
