/**
 * An operator nested inside an outer differentiation returns its results exactly one level
 * down: the value, gradient, Hessian … stay traced by the outer differentiation, so d/dp of them
 * is right. f(x; p) = p · Σ xᵢ³ at a plain x, with p entering through a closure and through a
 * `constant()` context: v = pΣx³, ∇v = 3p x², H = diag(6p x); d/dp: Σx³, 3x², diag(6x).
 */
import {
  type Backend,
  type Engine,
  constant,
  derivative,
  gradientAndHvp,
  secondOrder,
  valueAndDerivative,
  valueAndGradient,
  valueAndJacobian,
  valueAndPullback,
  valueAndPushforward,
  valueDerivativeAndSecondDerivative,
  valueGradientAndHessian,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { forward } from '@diffint/forward';
import { tape } from '@diffint/tape';
import { describe, expect, it } from 'vitest';

const x0 = Float64Array.of(0.5, -1, 2);
const cube = (x: m.Value) => m.sum(m.mul(x, m.square(x)));
const sumCubes = x0.reduce((s, v) => s + v ** 3, 0);
const p0 = 1.5;

const outers: [string, () => Engine][] = [
  ['forward', () => forward()],
  ['tape', () => tape()],
];
const inners: [string, () => Backend][] = [
  ['tape', () => tape()],
  ['forward', () => forward()],
  ['forward-over-tape', () => secondOrder(forward(), tape())],
];

/** d/dp at p0 of the flat vector `pieces(p)`, by the outer engine. */
function dp(outer: Engine, pieces: (p: m.Value) => m.Value[]): number[] {
  return Array.from(
    derivative(
      (p: m.Value) => m.concat(pieces(p).map((v) => m.reshape(v, [m.size(v)]))),
      outer,
      p0,
    ) as Float64Array,
  );
}

const close = (got: number[], want: number[]) => {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(g).toBeCloseTo(want[i]!, 12));
};

describe.each(outers)('inside an outer %s differentiation', (_, outer) => {
  describe.each(inners)('second-order operators on %s', (_, inner) => {
    it('valueGradientAndHessian: d/dp of the value, the gradient and the Hessian (closure)', () => {
      const got = dp(outer(), (p) => {
        const [v, g, H] = valueGradientAndHessian((x: m.Value) => m.mul(p, cube(x)), inner(), x0);
        return [v, g, H];
      });
      const dH = [3, 0, 0, 0, -6, 0, 0, 0, 12];
      close(got, [sumCubes, ...x0.map((v) => 3 * v * v), ...dH]);
    });

    it('valueGradientAndHessian: the same with p as a constant() context', () => {
      const got = dp(outer(), (p) => {
        const [v, g] = valueGradientAndHessian(
          (x: m.Value, q: m.Value) => m.mul(q, cube(x)),
          inner(),
          x0,
          constant(p),
        );
        return [v, g];
      });
      close(got, [sumCubes, ...x0.map((v) => 3 * v * v)]);
    });

    it('gradientAndHvp: d/dp of the gradient and of H·t', () => {
      const t = Float64Array.of(1, 2, -1);
      const got = dp(outer(), (p) => {
        const [g, [Ht]] = gradientAndHvp((x: m.Value) => m.mul(p, cube(x)), inner(), x0, [t]);
        return [g, Ht!];
      });
      close(got, [...x0.map((v) => 3 * v * v), ...x0.map((v, i) => 6 * v * t[i]!)]);
    });

    it('valueDerivativeAndSecondDerivative: d/dp of f, f′ and f″ of p·x³ at x = 2', () => {
      const got = dp(outer(), (p) => {
        const [v, d, d2] = valueDerivativeAndSecondDerivative(
          (x: m.Value) => m.mul(p, m.pow(x, 3)),
          inner(),
          2,
        );
        return [v, d, d2];
      });
      close(got, [8, 12, 12]);
    });
  });

  describe.each(inners.slice(0, 2))('first-order value-and operators on %s', (_, inner) => {
    it('valueAndGradient', () => {
      const got = dp(outer(), (p) => valueAndGradient((x: m.Value) => m.mul(p, cube(x)), inner(), x0));
      close(got, [sumCubes, ...x0.map((v) => 3 * v * v)]);
    });

    it('valueAndDerivative', () => {
      const got = dp(outer(), (p) => valueAndDerivative((x: m.Value) => m.mul(p, m.pow(x, 3)), inner(), 2));
      close(got, [8, 12]);
    });

    it('valueAndJacobian, valueAndPushforward and valueAndPullback of x ↦ p·x³', () => {
      const g = (p: m.Value) => (x: m.Value) => m.mul(p, m.mul(x, m.square(x)));
      const got = dp(outer(), (p) => {
        const [y, J] = valueAndJacobian(g(p), inner(), x0);
        const [, [Jt]] = valueAndPushforward(g(p), inner(), x0, [Float64Array.of(1, 1, 1)]);
        const [, [Jc]] = valueAndPullback(g(p), inner(), x0, [Float64Array.of(1, 0, 2)]);
        return [y, J, Jt!, Jc!];
      });
      const cubes = Array.from(x0, (v) => v ** 3);
      const squares3 = Array.from(x0, (v) => 3 * v * v);
      const dJ = [squares3[0]!, 0, 0, 0, squares3[1]!, 0, 0, 0, squares3[2]!];
      close(got, [...cubes, ...dJ, ...squares3, squares3[0]!, 0, 2 * squares3[2]!]);
    });
  });
});

it('the results of an operator that is not nested are plain', () => {
  const [v, g, H] = valueGradientAndHessian(cube, secondOrder(forward(), tape()), x0);
  expect(typeof v).toBe('number');
  expect(g).toBeInstanceOf(Float64Array);
  expect(H.constructor.name).toBe('NDArray');
});
