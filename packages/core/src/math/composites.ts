/**
 * Ops built from primitives, exactly: reductions and updates whose derivatives follow from the
 * rules of the primitives they apply, so they differentiate to any order on every engine and need
 * no table entry of any engine. Each one's TSDoc says how it is built and why that is stable.
 *
 * Function declarations only (see ops.ts).
 */
import { InvalidInputError, ShapeMismatchError } from '../errors.js';
import { type Value, shapeOf } from '../trace.js';
import { type Shape, formatShape, sameShape, sizeOf } from '../values.js';
import { checkInteger, checkValue, normaliseAxis } from './checks.js';
import {
  abs,
  add,
  concat,
  div,
  equal,
  exp,
  greater,
  less,
  log,
  max,
  maximum,
  minimum,
  mul,
  neg,
  reshape,
  slice,
  sqrt,
  square,
  stopGradient,
  sub,
  sum,
  transpose,
  where,
} from './primitive-ops.js';

/** The axis of a reduction, normalised (null: every element), after checking `a`. */
function axisOf(op: string, a: Value, axis: number | undefined): number | null {
  checkValue(op, 'a', a);
  return axis === undefined ? null : normaliseAxis(op, axis, shapeOf(a));
}

/** A reduction's result with the reduced axis kept as 1, so that it broadcasts against `a`. */
function keepAxis(r: Value, s: Shape, axis: number | null): Value {
  if (axis === null) return r;
  return reshape(r, [...s.slice(0, axis), 1, ...s.slice(axis + 1)]);
}

/** The smallest element, or the smallest along `axis`: -max(-a) (negation is exact); ties share the derivative equally. */
export function min(a: Value, axis?: number): Value {
  if (typeof a === 'number' && axis === undefined) return a;
  const k = axisOf('min', a, axis);
  return neg(max(neg(a), k ?? undefined));
}

/**
 * The product of all elements, or along `axis` (removed; negative counts from the end); 1 over no
 * elements. Built from elementwise products of halves (a balanced tree: log₂ n products of slices),
 * so its derivative Σᵢ tᵢ Πⱼ≠ᵢ xⱼ follows from `mul`'s rule with no division by x: exact where
 * elements are zero, one or several.
 */
export function prod(a: Value, axis?: number): Value {
  if (typeof a === 'number' && axis === undefined) return a;
  const k = axisOf('prod', a, axis);
  const s = shapeOf(a);
  // Rows along the reduced axis, everything else across: an [n, cols] matrix.
  const n = k === null ? sizeOf(s) : s[k]!;
  const before = k === null ? 1 : sizeOf(s.slice(0, k));
  const after = k === null ? 1 : sizeOf(s.slice(k + 1));
  const outShape = k === null ? [] : [...s.slice(0, k), ...s.slice(k + 1)];
  let x: Value;
  if (before === 1) x = reshape(a, [n, after]);
  else x = reshape(transpose(reshape(a, [before, n * after])), [n, after * before]);
  // The empty product: ones, still computed from a (so a traced a gives a traced result).
  if (n === 0) return fromRow(add(mul(sum(x, 0), 0), 1), before, after, outShape);
  let rows = n;
  while (rows > 1) {
    const half = Math.floor(rows / 2);
    let next = mul(slice(x, 0, half), slice(x, half, 2 * half));
    if (rows % 2 === 1) next = concat([next, slice(x, 2 * half, rows)]);
    x = next;
    rows = half + (rows % 2);
  }
  return fromRow(reshape(x, [after * before]), before, after, outShape);
}

/** The [after · before] row of a reduction over the middle axis, back in the order of the output. */
function fromRow(row: Value, before: number, after: number, out: Shape): Value {
  if (before === 1) return reshape(row, out);
  return reshape(transpose(reshape(row, [after, before])), out);
}

/**
 * The shift of a stable exponential sum: the maximum along the axis (kept as 1), held constant
 * (`stopGradient`: the result does not depend on it), and 0 where that maximum is not finite
 * (all -∞, or +∞, or NaN), where shifting would make ∞ - ∞.
 */
function shiftOf(a: Value, axis: number | null): Value {
  const top = max(stopGradient(a), axis ?? undefined);
  const finite = less(abs(top), Number.POSITIVE_INFINITY);
  return keepAxis(where(finite, top, 0), shapeOf(a), axis);
}

/**
 * log Σ e^a over all elements, or along `axis` (removed), stable at large inputs: computed as
 * c + log Σ e^(a - c) with c the maximum, held constant (the result does not depend on c, so its
 * derivative, softmax(a), is exact). +∞ if an element is +∞; -∞ over no elements or all -∞.
 */
export function logsumexp(a: Value, axis?: number): Value {
  const k = axisOf('logsumexp', a, axis);
  const c = shiftOf(a, k);
  const total = log(sum(exp(sub(a, c)), k ?? undefined));
  return add(k === null ? c : reshape(c, shapeOf(total)), total);
}

/**
 * e^a / Σ e^a over all elements, or along `axis` (the output has a's shape): computed from
 * e^(a - c) with c the maximum, held constant (softmax does not depend on c), so it never
 * overflows; its derivative follows from exp, sum and div.
 */
export function softmax(a: Value, axis?: number): Value {
  const k = axisOf('softmax', a, axis);
  const e = exp(sub(a, shiftOf(a, k)));
  return div(e, keepAxis(sum(e, k ?? undefined), shapeOf(a), k));
}

/**
 * log softmax(a) over all elements, or along `axis` (a's shape): (a - c) - log Σ e^(a - c) with c
 * the maximum, held constant: no overflow, and no log of an underflowed 0 (a very negative
 * element keeps its value, where log(softmax(a)) would be -∞).
 */
export function logSoftmax(a: Value, axis?: number): Value {
  const k = axisOf('logSoftmax', a, axis);
  const z = sub(a, shiftOf(a, k));
  return sub(z, keepAxis(log(sum(exp(z), k ?? undefined)), shapeOf(a), k));
}

/**
 * The vector norm of a's elements (of all of them: a matrix is its elements, not the spectral
 * norm), or along `axis` (removed): `ord` 1 (Σ|aᵢ|), 2 (the default: √Σaᵢ², scaled by the largest
 * |aᵢ| so that it neither overflows nor underflows) or `Infinity` (max |aᵢ|). At a = 0 every
 * derivative is 0: the average of the one-sided derivatives (central differences give it; for
 * ord 1 it is abs′(0) = 0). Elsewhere ord 2 has derivative a / ‖a‖, ord ∞ shares sign(aᵢ) equally
 * among the tied largest |aᵢ|.
 */
export function norm(a: Value, ord = 2, axis?: number): Value {
  const k = axisOf('norm', a, axis);
  const ax = k ?? undefined;
  if (ord === 1) return sum(abs(a), ax);
  if (ord === Number.POSITIVE_INFINITY) return max(abs(a), ax);
  if (ord !== 2) {
    throw new InvalidInputError(`norm: ord must be 1, 2 or Infinity, got ${String(ord)}.`);
  }
  // The scale: the largest |aᵢ|, held constant (the norm does not depend on it), 1 where it is 0 or not finite.
  const top = max(abs(stopGradient(a)), ax);
  const scale = where(mul(greater(top, 0), less(top, Number.POSITIVE_INFINITY)), top, 1);
  const squares = sum(square(div(a, keepAxis(scale, shapeOf(a), k))), ax);
  // The double where: at 0 the square root is taken of 1, so its infinite derivative is never formed.
  const zero = equal(squares, 0);
  return where(zero, 0, mul(scale, sqrt(where(zero, 1, squares))));
}

/**
 * a clipped to [lo, hi] elementwise (lo, hi broadcast): `minimum(maximum(a, lo), hi)`. The
 * derivative is 1 inside, 0 outside and ½ at either bound, the average of the one-sided
 * derivatives (the tie convention of `maximum` and `minimum`); lo and hi get the rest. Where
 * lo > hi the result is hi, as in NumPy.
 */
export function clip(a: Value, lo: Value, hi: Value): Value {
  checkValue('clip', 'a', a);
  checkValue('clip', 'lo', lo);
  checkValue('clip', 'hi', hi);
  return minimum(maximum(a, lo), hi);
}

/**
 * v with rows start … start + k - 1 of its first axis replaced by the k rows of `part` (of shape
 * [k, ...the rest of v's shape]; a number for one element of a vector): a fresh value, v and part
 * untouched. Built from `slice` and `concat`, so the derivative with respect to v is v's with
 * those rows zeroed, and with respect to part, part's own. A negative start counts from the end.
 */
export function setSlice(v: Value, start: number, part: Value): Value {
  checkValue('setSlice', 'v', v);
  checkValue('setSlice', 'part', part);
  checkInteger('setSlice', 'start', start);
  const s = shapeOf(v);
  if (s.length === 0) throw new InvalidInputError('setSlice: cannot slice a scalar (v has shape []).');
  const n = s[0]!;
  const p = s.length === 1 && shapeOf(part).length === 0 ? reshape(part, [1]) : part;
  const ps = shapeOf(p);
  const from = start < 0 ? start + n : start;
  if (ps.length !== s.length || !sameShape(ps.slice(1), s.slice(1))) {
    throw new ShapeMismatchError(
      `setSlice: part has shape ${formatShape(shapeOf(part))}; rows of a value of shape ${formatShape(s)} ` +
        `have shape [k${s.length > 1 ? `, ${s.slice(1).join(', ')}` : ''}].`,
    );
  }
  const to = from + ps[0]!;
  if (from < 0 || to > n) {
    throw new ShapeMismatchError(
      `setSlice: rows [${start}, ${start} + ${ps[0]}) do not fit the first axis of a value of shape ${formatShape(s)}.`,
    );
  }
  const pieces = [...(from > 0 ? [slice(v, 0, from)] : []), p, ...(to < n ? [slice(v, to, n)] : [])];
  return pieces.length === 1 ? p : concat(pieces);
}
