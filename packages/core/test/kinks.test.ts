/**
 * The derivative conventions at kinks and with non-finite values, on every float64 engine:
 * - a strong zero: a zero (co)tangent or partial contributes exactly zero, even through ±∞ or
 *   NaN, so an unselected `where` branch never leaks its derivative;
 * - at a kink, the average of the one-sided derivatives (what central differences give):
 *   |x|′(0) = 0, a tie of max or min splits in halves, pow(x, 0)′ = 0 at 0 too;
 * - primal kernels are IEEE: NaN and ∞ propagate through matrix products.
 */
import {
  type Backend,
  NDArray,
  derivative,
  gradient,
  hessian,
  hvp,
  jacobian,
  pushforward,
  secondDerivative,
  secondOrder,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { forward } from '@diffint/forward';
import { tape } from '@diffint/tape';
import { describe, expect, it } from 'vitest';
import { dual } from './support/dual.js';

const first: [string, () => Backend][] = [
  ['tape', () => tape()],
  ['forward', () => forward()],
  ['forward chunk 1', () => forward({ chunk: 1 })],
  ['dual', () => dual()],
];
const second: [string, () => Backend][] = [
  ['tape-over-tape', () => tape()],
  ['forward-over-forward', () => forward()],
  ['forward-over-tape', () => secondOrder(forward(), tape())],
  ['tape-over-forward', () => secondOrder(tape(), forward())],
];
const vec = (...v: number[]) => Float64Array.from(v);
const { NaN: nan, POSITIVE_INFINITY: inf } = Number;

describe.each(first)('first order on %s', (_, b) => {
  it('an unselected branch with a NaN derivative contributes zero: where(x > 0, √x, x) at −1', () => {
    expect(derivative((x: m.Value) => m.where(m.greater(x, 0), m.sqrt(x), x), b(), -1)).toBe(1);
    expect(gradient((x: m.Value) => m.sum(m.where(m.greater(x, 0), m.sqrt(x), x)), b(), vec(-1, 4))).toEqual(
      vec(1, 0.25),
    );
  });

  it('… and one with an infinite derivative: where(x > 0, log x, 2x) at 0', () => {
    expect(derivative((x: m.Value) => m.where(m.greater(x, 0), m.log(x), m.mul(2, x)), b(), 0)).toBe(2);
  });

  it('a zero seed contributes zero: the column of a finite coordinate beside an infinite one', () => {
    // f = [√x₀ + x₁, x₁²] at x₀ = 0, where ∂√x₀/∂x₀ = ∞: the x₁ column is finite.
    const J = jacobian(
      (x: m.Value) => m.stack([m.add(m.sqrt(m.get(x, 0)), m.get(x, 1)), m.square(m.get(x, 1))]),
      b(),
      vec(0, 3),
    );
    expect(Array.from(J.data)).toEqual([inf, 1, 0, 6]);
    const [Jt] = pushforward((x: m.Value) => m.add(m.sqrt(m.get(x, 0)), m.get(x, 1)), b(), vec(0, 3), [
      vec(0, 1),
    ]);
    expect(Jt).toBe(1);
  });

  it('|x|′(0) = 0', () => {
    expect(gradient((x: m.Value) => m.sum(m.abs(x)), b(), vec(0, -2, 3))).toEqual(vec(0, -1, 1));
  });

  it('a tie of maximum and minimum splits the derivative in halves; relu′(0) = ½', () => {
    expect(gradient((p: m.Value) => m.maximum(m.get(p, 0), m.get(p, 1)), b(), vec(1, 1))).toEqual(
      vec(0.5, 0.5),
    );
    expect(gradient((p: m.Value) => m.minimum(m.get(p, 0), m.get(p, 1)), b(), vec(2, 2))).toEqual(
      vec(0.5, 0.5),
    );
    expect(gradient((x: m.Value) => m.sum(m.relu(x)), b(), vec(0, -1, 2))).toEqual(vec(0.5, 0, 1));
    // away from a tie, the larger (smaller) argument takes it all
    expect(gradient((p: m.Value) => m.maximum(m.get(p, 0), m.get(p, 1)), b(), vec(1, 2))).toEqual(vec(0, 1));
  });

  it('pow(x, 0) has derivative 0 everywhere, x = 0 included; pow(x, 1)′(0) = 1', () => {
    expect(derivative((x: m.Value) => m.pow(x, 0), b(), 0)).toBe(0);
    expect(derivative((x: m.Value) => m.pow(x, 0), b(), 2)).toBe(0);
    expect(derivative((x: m.Value) => m.pow(x, 1), b(), 0)).toBe(1);
    expect(gradient((x: m.Value) => m.sum(m.pow(x, 0)), b(), vec(0, 1))).toEqual(vec(0, 0));
  });

  it('sign and the comparisons have derivative 0, at their jumps too', () => {
    for (const op of [m.greater, m.less, m.greaterEqual, m.lessEqual, m.equal]) {
      expect(derivative((x: m.Value) => op(x, 0), b(), 0)).toBe(0);
    }
    expect(derivative((x: m.Value) => m.sign(x), b(), 0)).toBe(0);
  });
});

describe.each(second)('second order on %s', (_, b) => {
  it('where(x > 0, √x, x³) at −1: the selected branch only', () => {
    expect(secondDerivative((x: m.Value) => m.where(m.greater(x, 0), m.sqrt(x), m.pow(x, 3)), b(), -1)).toBe(
      -6,
    );
  });

  it('a Hessian beside a NaN second derivative of an unselected branch', () => {
    const f = (x: m.Value) =>
      m.add(m.where(m.greater(m.get(x, 0), 0), m.log(m.get(x, 0)), m.get(x, 0)), m.square(m.get(x, 1)));
    expect(Array.from(hessian(f, b(), vec(-1, 3)).data)).toEqual([0, 0, 0, 2]);
    expect(Array.from(hvp(f, b(), vec(-1, 3), [vec(1, 1)])[0]!)).toEqual([0, 2]);
  });

  it('pow(x, 0)″ = 0 and pow(x, 2)″ = 2 at 0', () => {
    expect(secondDerivative((x: m.Value) => m.pow(x, 0), b(), 0)).toBe(0);
    expect(secondDerivative((x: m.Value) => m.pow(x, 2), b(), 0)).toBe(2);
  });
});

describe('the primal kernels are IEEE', () => {
  it('NaN and ∞ propagate through matvec and matmul, also past zero entries', () => {
    expect(Array.from(m.matvec(NDArray.from([[0, 1]]), vec(nan, 1)) as Float64Array)).toEqual([nan]);
    expect(Array.from(m.matvec(NDArray.from([[0, 1]]), vec(inf, 1)) as Float64Array)).toEqual([nan]);
    expect(
      Array.from((m.matmul(NDArray.from([[0, 2]]), NDArray.from([[inf], [1]])) as NDArray).data),
    ).toEqual([nan]);
    expect(Array.from(m.matvec(NDArray.from([[inf, 1]]), vec(0, 1)) as Float64Array)).toEqual([nan]);
    expect(m.dot(vec(0, 1), vec(nan, 1))).toBeNaN();
    // and finite products are unchanged
    expect(
      Array.from(
        m.matvec(
          NDArray.from([
            [0, 1],
            [2, 3],
          ]),
          vec(5, 1),
        ) as Float64Array,
      ),
    ).toEqual([1, 13]);
  });

  it('the product of a traced value with a NaN propagates it', () => {
    expect(gradient((x: m.Value) => m.dot(x, vec(nan, 1)), tape(), vec(1, 2))).toEqual(vec(nan, 1));
  });
});

describe('mulNoNan and matmulNoNan: a zero factor makes the term 0', () => {
  it('elementwise, on numbers and arrays, with the sign of every other product kept', () => {
    expect(m.mulNoNan(0, nan)).toBe(0);
    expect(m.mulNoNan(inf, 0)).toBe(0);
    expect(m.mulNoNan(-2, 3)).toBe(-6);
    expect(Object.is(m.mulNoNan(-0, 3), -0)).toBe(true);
    expect(m.mulNoNan(nan, 2)).toBeNaN();
    expect(m.mulNoNan(inf, 2)).toBe(inf);
    expect(Array.from(m.mulNoNan(vec(0, 2, nan), vec(inf, nan, 0)) as Float64Array)).toEqual([0, nan, 0]);
    expect(Array.from(m.mulNoNan(vec(0, 1), inf) as Float64Array)).toEqual([0, inf]);
  });

  it('in matrix products, term by term', () => {
    const a = NDArray.from([
      [0, 1],
      [inf, 0],
    ]);
    const b = NDArray.from([
      [nan, 0],
      [2, 3],
    ]);
    // row 0: 0·NaN + 1·2 = 2, 0·0 + 1·3 = 3; row 1: ∞·NaN + 0·2 = NaN, ∞·0 + 0·3 = 0
    expect(Array.from((m.matmulNoNan(a, b) as NDArray).data)).toEqual([2, 3, nan, 0]);
    expect(Array.from(m.matmulNoNan(NDArray.from([[0, 1]]), vec(nan, 1)) as Float64Array)).toEqual([1]);
    expect(Array.from(m.matmulNoNan(vec(0, 1), NDArray.from([[nan], [4]])) as Float64Array)).toEqual([4]);
    expect(m.matmulNoNan(vec(0, 1), vec(nan, 2))).toBe(2);
  });

  it('are differentiated like the products they are', () => {
    const c = vec(3, -2);
    expect(gradient((x: m.Value) => m.sum(m.mulNoNan(x, c)), tape(), vec(1, 1))).toEqual(c);
    expect(gradient((x: m.Value) => m.sum(m.mulNoNan(x, x)), forward(), vec(1, 2))).toEqual(vec(2, 4));
    const M = NDArray.from([
      [1, 2],
      [3, 4],
    ]);
    expect(Array.from(jacobian((x: m.Value) => m.matmulNoNan(M, x), tape(), vec(1, 1)).data)).toEqual([
      1, 2, 3, 4,
    ]);
    expect(
      Array.from(hessian((x: m.Value) => m.matmulNoNan(x, m.matmulNoNan(M, x)), tape(), vec(1, 1)).data),
    ).toEqual([2, 5, 5, 8]);
  });
});
