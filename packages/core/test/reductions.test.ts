/**
 * Reductions with an optional axis (max, min, prod, cumsum, logsumexp, softmax, logSoftmax, norm),
 * clip and setSlice: values against plain-JS computations written here, derivatives against their
 * formulas by hand, on the float64 engines and in second order.
 */
import {
  InvalidInputError,
  NDArray,
  ShapeMismatchError,
  gradient,
  hessian,
  jacobian,
  secondOrder,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { forward } from '@diffint/forward';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';

const engines = [
  ['tape', tape()],
  ['forward', forward()],
] as const;
const fot = secondOrder(forward(), tape());
const v = (...xs: number[]) => Float64Array.from(xs);
/** The elements, -0 read as 0 (a derivative of -x at a zero is -0). */
const list = (x: unknown) => Array.from((x instanceof NDArray ? x.data : x) as Float64Array, (e) => e + 0);

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-12) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    expect(err, `element ${i}: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(
      tol * Math.max(1, Math.abs(expected[i]!)),
    );
  }
}

const softmaxOf = (x: number[]) => {
  const c = Math.max(...x);
  const e = x.map((t) => Math.exp(t - c));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((t) => t / s);
};

describe('max and min', () => {
  test.each(engines)('the gradient is one at the maximum, shared equally at ties (%s)', (_e, b) => {
    expect(list(gradient((x) => m.max(x), b, v(1, 3, 2)))).toEqual([0, 1, 0]);
    expect(list(gradient((x) => m.max(x), b, v(3, 1, 3, 3)))).toEqual([1 / 3, 0, 1 / 3, 1 / 3]);
    expect(list(gradient((x) => m.min(x), b, v(1, -3, 2)))).toEqual([0, 1, 0]);
    expect(list(gradient((x) => m.min(x), b, v(-1, 2, -1)))).toEqual([0.5, 0, 0.5]);
  });

  test('along an axis: one maximum per row or column', () => {
    const X = new NDArray(v(1, 5, 2, 7, 0, 7), [2, 3]);
    expect(list(m.max(X, 1))).toEqual([5, 7]);
    expect(list(m.max(X, 0))).toEqual([7, 5, 7]);
    expect(list(m.min(X, -1))).toEqual([1, 0]);
    const J = jacobian((x) => m.max(x, 1), tape(), X);
    expect(J.shape).toEqual([2, 6]);
    expect(list(J)).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0, 0.5, 0, 0.5]);
    const J0 = jacobian((x) => m.max(x, 0), forward(), X);
    expect(list(J0)).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });

  test('NaN wins; no elements give -∞ (max) and +∞ (min); scalars pass', () => {
    expect(m.max(v(1, Number.NaN, 3))).toBeNaN();
    expect(m.max(v(Number.NaN, 1))).toBeNaN();
    expect(m.max(v())).toBe(Number.NEGATIVE_INFINITY);
    expect(m.min(v())).toBe(Number.POSITIVE_INFINITY);
    expect(m.max(2.5)).toBe(2.5);
    expect(() => m.max(v(1, 2), 1)).toThrow(ShapeMismatchError);
  });
});

describe('prod', () => {
  test.each(engines)('the gradient is the product of the others, with zeros in the input (%s)', (_e, b) => {
    expectClose(list(gradient((x) => m.prod(x), b, v(2, 3, 5, 7, 0.5))), [52.5, 35, 21, 15, 210]);
    // One zero: only its own partial survives. No division by x anywhere.
    expect(list(gradient((x) => m.prod(x), b, v(2, 0, 5)))).toEqual([0, 10, 0]);
    // Two zeros: every partial is zero.
    expect(list(gradient((x) => m.prod(x), b, v(0, 3, 0)))).toEqual([0, 0, 0]);
  });

  test('its Hessian is the product of all but two (zero on the diagonal), with a zero in the input', () => {
    const x = v(2, 0, 5, 3);
    const H = hessian((t) => m.prod(t), fot, x);
    const want: number[] = [];
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++)
        want.push(i === j ? 0 : x.reduce((p, e, k) => (k === i || k === j ? p : p * e), 1));
    expectClose(list(H), want);
  });

  test('along an axis of a rank-3 value, and over no elements', () => {
    const data = Float64Array.from({ length: 24 }, (_, i) => 1 + (i % 5) * 0.5);
    const X = new NDArray(data, [2, 3, 4]);
    const want = new Float64Array(8);
    for (let a = 0; a < 2; a++)
      for (let c = 0; c < 4; c++) {
        let p = 1;
        for (let k = 0; k < 3; k++) p *= data[a * 12 + k * 4 + c]!;
        want[a * 4 + c] = p;
      }
    const P = m.prod(X, 1) as NDArray;
    expect(P.shape).toEqual([2, 4]);
    expectClose(list(P), want);
    expect(m.prod(v())).toBe(1);
    expect(m.prod(v(2, 3, 4, 5, 6, 7, 8))).toBe(40320);
    // d/dX of Σ prod(X, 1): the product of the other two elements of each column of the axis.
    const G = gradient((x) => m.sum(m.prod(x, 1)), tape(), X) as NDArray;
    const wantG = Float64Array.from(data, (e, i) => want[Math.floor(i / 12) * 4 + (i % 4)]! / e);
    expectClose(list(G), wantG);
  });
});

describe('cumsum', () => {
  test('values along each axis, and of a flattened matrix', () => {
    const X = new NDArray(v(1, 2, 3, 4, 5, 6), [2, 3]);
    expect(list(m.cumsum(X, 1))).toEqual([1, 3, 6, 4, 9, 15]);
    expect(list(m.cumsum(X, 0))).toEqual([1, 2, 3, 5, 7, 9]);
    expect(list(m.cumsum(X))).toEqual([1, 3, 6, 10, 15, 21]);
    expect(m.shape(m.cumsum(X))).toEqual([6]);
  });

  test.each(engines)('the Jacobian is lower triangular ones (%s)', (_e, b) => {
    const J = jacobian((x) => m.cumsum(x), b, v(0.3, -1, 2, 4));
    const want: number[] = [];
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) want.push(j <= i ? 1 : 0);
    expect(list(J)).toEqual(want);
  });

  test('the gradient of a weighted sum is the running sum of the weights from the far end', () => {
    const w = v(1, 2, 3, 4);
    const g = gradient((x) => m.dot(w, m.cumsum(x)), tape(), v(5, 6, 7, 8));
    expect(list(g)).toEqual([10, 9, 7, 4]);
  });
});

describe('logsumexp, softmax and logSoftmax', () => {
  const x = [0.3, -1.2, 2, 0.7];
  const p = softmaxOf(x);

  test('values: stable at large inputs, exact limits at ±∞', () => {
    expectClose([m.logsumexp(v(...x)) as number], [Math.log(x.reduce((s, t) => s + Math.exp(t), 0))]);
    expectClose([m.logsumexp(v(1000, 1000)) as number], [1000 + Math.LN2]);
    expectClose([m.logsumexp(v(-1000, -1000)) as number], [-1000 + Math.LN2]);
    expect(m.logsumexp(v(1, Number.POSITIVE_INFINITY))).toBe(Number.POSITIVE_INFINITY);
    expect(m.logsumexp(v(Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY))).toBe(Number.NEGATIVE_INFINITY);
    expectClose(list(m.softmax(v(1000, 1001))), softmaxOf([0, 1]));
    expectClose(list(m.logSoftmax(v(0, -1000))), [0, -1000]);
    expectClose(list(m.softmax(v(...x))), p);
  });

  test.each(engines)(
    '∇ logsumexp = softmax; J softmax = diag(p) - ppᵀ; J logSoftmax = I - 1pᵀ (%s)',
    (_e, b) => {
      expectClose(list(gradient((t) => m.logsumexp(t), b, v(...x))), p);
      expectClose(list(gradient((t) => m.logsumexp(t), b, v(1000, 1000))), [0.5, 0.5]);
      const J = jacobian((t) => m.softmax(t), b, v(...x));
      expectClose(
        list(J),
        p.flatMap((pi, i) => p.map((pj, j) => (i === j ? pi : 0) - pi * pj)),
      );
      const L = jacobian((t) => m.logSoftmax(t), b, v(...x));
      expectClose(
        list(L),
        p.flatMap((_pi, i) => p.map((pj, j) => (i === j ? 1 : 0) - pj)),
      );
    },
  );

  test('the Hessian of logsumexp is diag(p) - ppᵀ, forward over tape', () => {
    const H = hessian((t) => m.logsumexp(t), fot, v(...x));
    expectClose(
      list(H),
      p.flatMap((pi, i) => p.map((pj, j) => (i === j ? pi : 0) - pi * pj)),
      1e-10,
    );
  });

  test('along an axis: each row on its own', () => {
    const X = new NDArray(v(0.3, -1.2, 2, 500, 501, 499), [2, 3]);
    const rows = [
      [0.3, -1.2, 2],
      [500, 501, 499],
    ];
    expectClose(
      list(m.logsumexp(X, 1)),
      rows.map((r) => Math.max(...r) + Math.log(r.reduce((s, t) => s + Math.exp(t - Math.max(...r)), 0))),
    );
    expectClose(list(m.softmax(X, 1)), rows.flatMap(softmaxOf));
    expectClose(list(m.softmax(X, 0)), interleave(rows));
    const G = gradient((t) => m.sum(m.mul(m.logsumexp(t, 1), v(1, 2))), tape(), X);
    expectClose(list(G), [...softmaxOf(rows[0]!), ...softmaxOf(rows[1]!).map((e) => 2 * e)]);
  });
});

/** Softmax down the columns of a 2-row matrix, in row-major order. */
function interleave(rows: number[][]): number[] {
  const cols = rows[0]!.map((_, j) => softmaxOf([rows[0]![j]!, rows[1]![j]!]));
  return [...cols.map((c) => c[0]!), ...cols.map((c) => c[1]!)];
}

describe('norm', () => {
  const x = v(3, -4, 1.5, 0);
  const n2 = Math.sqrt(9 + 16 + 2.25);

  test('values of ord 1, 2 and ∞; no overflow or underflow for ord 2', () => {
    expect(m.norm(x, 1)).toBe(8.5);
    expectClose([m.norm(x) as number], [n2]);
    expect(m.norm(x, Number.POSITIVE_INFINITY)).toBe(4);
    expectClose([m.norm(v(3e200, 4e200)) as number], [5e200]);
    expectClose([m.norm(v(3e-200, 4e-200)) as number], [5e-200]);
    expect(m.norm(v(1, Number.POSITIVE_INFINITY))).toBe(Number.POSITIVE_INFINITY);
    expect(m.norm(v(1, Number.NaN))).toBeNaN();
    expect(m.norm(v(0, 0))).toBe(0);
    expect(() => m.norm(x, 3)).toThrow(InvalidInputError);
    expect(() => m.norm(x, 3)).toThrow(/ord must be 1, 2 or Infinity, got 3/);
  });

  test.each(engines)('gradients: sign(x), x / ‖x‖, and the largest |xᵢ| (%s)', (_e, b) => {
    expect(list(gradient((t) => m.norm(t, 1), b, x))).toEqual([1, -1, 1, 0]);
    expectClose(
      list(gradient((t) => m.norm(t), b, x)),
      Array.from(x, (e) => e / n2),
    );
    expect(list(gradient((t) => m.norm(t, Number.POSITIVE_INFINITY), b, x))).toEqual([0, -1, 0, 0]);
    expect(list(gradient((t) => m.norm(t, Number.POSITIVE_INFINITY), b, v(2, -2)))).toEqual([0.5, -0.5]);
  });

  test.each(engines)('at 0 every derivative is 0, ord 2 included (%s)', (_e, b) => {
    for (const ord of [1, 2, Number.POSITIVE_INFINITY]) {
      expect(list(gradient((t) => m.norm(t, ord), b, v(0, 0, 0)))).toEqual([0, 0, 0]);
    }
  });

  test('the Hessian of ‖x‖₂ is (I - uuᵀ) / ‖x‖ with u = x / ‖x‖', () => {
    const H = hessian((t) => m.norm(t), fot, x);
    const u = Array.from(x, (e) => e / n2);
    expectClose(
      list(H),
      u.flatMap((ui, i) => u.map((uj, j) => ((i === j ? 1 : 0) - ui * uj) / n2)),
      1e-10,
    );
  });

  test('along an axis: the norm of each row', () => {
    const X = new NDArray(v(3, 4, 0, 0, 5, 12), [3, 2]);
    expectClose(list(m.norm(X, 2, 1)), [5, 0, 13]);
    const G = gradient((t) => m.sum(m.norm(t, 2, 1)), tape(), X);
    expectClose(list(G), [0.6, 0.8, 0, 0, 5 / 13, 12 / 13]);
  });
});

describe('clip', () => {
  test.each(engines)('derivative 1 inside, 0 outside, ½ at either bound (%s)', (_e, b) => {
    const g = gradient((t) => m.sum(m.clip(t, -1, 2)), b, v(-3, -1, 0.5, 2, 5));
    expect(list(g)).toEqual([0, 0.5, 1, 0.5, 0]);
    expect(list(m.clip(v(-3, -1, 0.5, 2, 5), -1, 2))).toEqual([-1, -1, 0.5, 2, 2]);
  });
  test('the bounds get the rest of the derivative, and broadcast', () => {
    const g = gradient((lo) => m.sum(m.clip(v(-3, 0.5, 5), lo, v(2, 2, 2))), tape(), -1);
    expect(g).toBe(1);
    expect(list(m.clip(v(-3, 0.5, 5), v(0, 0, 0), 1))).toEqual([0, 0.5, 1]);
  });
});

describe('setSlice', () => {
  test('a fresh value with the rows replaced; v and part untouched', () => {
    const x = v(1, 2, 3, 4, 5);
    const part = v(10, 20);
    expect(list(m.setSlice(x, 1, part))).toEqual([1, 10, 20, 4, 5]);
    expect(list(m.setSlice(x, -2, part))).toEqual([1, 2, 3, 10, 20]);
    expect(list(m.setSlice(x, 0, 9))).toEqual([9, 2, 3, 4, 5]);
    expect(list(x)).toEqual([1, 2, 3, 4, 5]);
    expect(list(part)).toEqual([10, 20]);
    const M = new NDArray(v(1, 2, 3, 4, 5, 6), [3, 2]);
    expect(list(m.setSlice(M, 2, new NDArray(v(7, 8), [1, 2])))).toEqual([1, 2, 3, 4, 7, 8]);
  });

  test.each(engines)('derivatives: v’s with the replaced rows zero, part’s own (%s)', (_e, b) => {
    const part = v(10, 20);
    const Jv = jacobian((t) => m.setSlice(t, 1, part), b, v(1, 2, 3, 4));
    expect(list(Jv)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    const Jp = jacobian((t) => m.setSlice(v(1, 2, 3, 4), 1, t), b, part);
    expect(list(Jp)).toEqual([0, 0, 1, 0, 0, 1, 0, 0]);
    const g = gradient((t) => m.sum(m.square(m.setSlice(t, 0, m.mul(3, m.slice(t, 2, 3))))), b, v(1, 2, 3));
    // f = (3x₂)² + x₁² + x₂²
    expect(list(g)).toEqual([0, 4, 60]);
  });

  test('a part that does not fit is a ShapeMismatchError naming both shapes', () => {
    expect(() => m.setSlice(v(1, 2, 3), 2, v(1, 2))).toThrow(ShapeMismatchError);
    expect(() => m.setSlice(new NDArray(v(1, 2, 3, 4), [2, 2]), 0, v(1, 2))).toThrow(/shape \[2\].*\[2, 2\]/);
    expect(() => m.setSlice(3, 0, 1)).toThrow(InvalidInputError);
    expect(() => m.setSlice(v(1), 0.5, 1)).toThrow(InvalidInputError);
  });
});

describe('bad input is a typed error naming the op and the argument', () => {
  test.each([
    ['max', () => m.max('1' as never), InvalidInputError, /max: argument a/],
    ['prod', () => m.prod(v(1, 2), 2), ShapeMismatchError, /prod: axis 2 is out of range/],
    ['cumsum', () => m.cumsum(v(1, 2), 1.5), InvalidInputError, /cumsum: axis must be an integer/],
    ['softmax', () => m.softmax([1, 2] as never), InvalidInputError, /softmax: argument a/],
    ['logsumexp', () => m.logsumexp(v(1), -2), ShapeMismatchError, /logsumexp: axis -2/],
    ['clip', () => m.clip(v(1), 'lo' as never, 1), InvalidInputError, /clip: argument lo/],
    ['setSlice', () => m.setSlice(v(1, 2), 0, 'x' as never), InvalidInputError, /setSlice: argument part/],
    ['atan2', () => m.atan2(v(1, 2), v(1, 2, 3)), ShapeMismatchError, /atan2/],
    ['erf', () => m.erf(null as never), InvalidInputError, /erf: argument a/],
  ] as const)('%s', (_name, run, type, message) => {
    expect(run).toThrow(type);
    expect(run).toThrow(message);
  });
});
