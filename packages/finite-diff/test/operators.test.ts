import {
  NDArray,
  derivative,
  derivativeInto,
  gradient,
  gradientAndHvp,
  gradientInto,
  hessian,
  hessianInto,
  hvp,
  hvpInto,
  jacobian,
  jacobianInto,
  prepareDerivative,
  prepareGradient,
  prepareHessian,
  prepareHvp,
  prepareJacobian,
  preparePullback,
  preparePushforward,
  prepareSecondDerivative,
  pullback,
  pullbackInto,
  pushforward,
  pushforwardInto,
  secondDerivative,
  secondDerivativeInto,
  secondOrder,
  valueAndDerivative,
  valueAndGradient,
  valueAndGradientInto,
  valueAndJacobian,
  valueAndPullback,
  valueAndPushforward,
  valueDerivativeAndSecondDerivative,
  valueGradientAndHessian,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { describe, expect, test } from 'vitest';
import { finiteDiff } from '../src/index.js';
import { f3, f3Gradient, f3Hessian, f3Value, g3, g3Jacobian, g3Value, relativeError } from './reference.js';

const fd = finiteDiff();
const x = Float64Array.of(0.5, -0.3, 1.2);
const tol = 1e-7;
/** Second order by differences of differences (see the README). */
const tol2 = 1e-6;

/** J·t and Jᵀ·c from the analytic Jacobian of g3. */
function jvp(t: Float64Array): number[] {
  const J = g3Jacobian(x);
  return [0, 1, 2].map((i) => J[3 * i]! * t[0]! + J[3 * i + 1]! * t[1]! + J[3 * i + 2]! * t[2]!);
}
function vjp(c: Float64Array): number[] {
  const J = g3Jacobian(x);
  return [0, 1, 2].map((j) => J[j]! * c[0]! + J[3 + j]! * c[1]! + J[6 + j]! * c[2]!);
}
function hv(t: Float64Array): number[] {
  const H = f3Hessian(x);
  return [0, 1, 2].map((i) => H[3 * i]! * t[0]! + H[3 * i + 1]! * t[1]! + H[3 * i + 2]! * t[2]!);
}

describe('first order', () => {
  const s = (t: m.Value) => m.stack([m.sin(t), m.mul(t, t)]);
  const sd = (t: number) => [Math.cos(t), 2 * t];

  test('derivative, valueAndDerivative, derivativeInto, prepareDerivative', () => {
    expect(relativeError(derivative(m.sin, fd, 0.4) as number, Math.cos(0.4))).toBeLessThanOrEqual(tol);
    expect(relativeError(derivative(s, fd, 0.4) as Float64Array, sd(0.4))).toBeLessThanOrEqual(tol);
    const [v, d] = valueAndDerivative(s, fd, 0.4);
    expect(Array.from(v as Float64Array)).toEqual([Math.sin(0.4), 0.4 * 0.4]);
    expect(relativeError(d as Float64Array, sd(0.4))).toBeLessThanOrEqual(tol);
    const out = new Float64Array(2);
    expect(derivativeInto(out, s, fd, 0.4)).toBe(out);
    expect(relativeError(out, sd(0.4))).toBeLessThanOrEqual(tol);
    const prep = prepareDerivative(s, fd, 0);
    for (const t of [0.4, -2, 3]) {
      expect(relativeError(prep.derivative(t) as Float64Array, sd(t))).toBeLessThanOrEqual(tol);
      const out2 = new Float64Array(2);
      const [v2, d2] = prep.valueAndDerivativeInto(out2, t);
      expect(d2).toBe(out2);
      expect(relativeError(v2 as Float64Array, [Math.sin(t), t * t])).toBe(0);
      expect(relativeError(out2, sd(t))).toBeLessThanOrEqual(tol);
    }
  });

  test('gradient, valueAndGradient, gradientInto, valueAndGradientInto, prepareGradient', () => {
    const g = gradient(f3, fd, x);
    expect(g).toBeInstanceOf(Float64Array);
    expect(relativeError(g, f3Gradient(x))).toBeLessThanOrEqual(tol);
    const [v, g2] = valueAndGradient(f3, fd, x);
    expect(v).toBe(f3Value(x));
    expect(relativeError(g2, f3Gradient(x))).toBeLessThanOrEqual(tol);
    const out = new Float64Array(3);
    expect(gradientInto(out, f3, fd, x)).toBe(out);
    expect(relativeError(out, f3Gradient(x))).toBeLessThanOrEqual(tol);
    const out2 = new Float64Array(3);
    const [v3] = valueAndGradientInto(out2, f3, fd, x);
    expect(v3).toBe(f3Value(x));
    expect(relativeError(out2, f3Gradient(x))).toBeLessThanOrEqual(tol);
    const prep = prepareGradient(f3, fd, x);
    for (const p of [x, Float64Array.of(2, 1, -3)]) {
      expect(relativeError(prep.gradient(p), f3Gradient(p))).toBeLessThanOrEqual(tol);
    }
  });

  test('jacobian, valueAndJacobian, jacobianInto, prepareJacobian', () => {
    expect(relativeError(jacobian(g3, fd, x).data, g3Jacobian(x))).toBeLessThanOrEqual(tol);
    const [v, J] = valueAndJacobian(g3, fd, x);
    expect(Array.from(v as Float64Array)).toEqual(g3Value(x));
    expect(J.shape).toEqual([3, 3]);
    const out = NDArray.zeros([3, 3]);
    expect(jacobianInto(out, g3, fd, x)).toBe(out);
    expect(relativeError(out.data, g3Jacobian(x))).toBeLessThanOrEqual(tol);
    const prep = prepareJacobian(g3, fd, x);
    const p = Float64Array.of(-1, 0.25, 2);
    expect(relativeError(prep.jacobian(p).data, g3Jacobian(p))).toBeLessThanOrEqual(tol);
    const out2 = NDArray.zeros([3, 3]);
    const [v2] = prep.valueAndJacobianInto(out2, p);
    expect(Array.from(v2 as Float64Array)).toEqual(g3Value(p));
    expect(relativeError(out2.data, g3Jacobian(p))).toBeLessThanOrEqual(tol);
  });

  test('pushforward, valueAndPushforward, pushforwardInto, preparePushforward (a batch of tangents)', () => {
    const ts = [Float64Array.of(1, 0, 0), Float64Array.of(0.5, -2, 1), Float64Array.of(0, 0, 0)];
    const r = pushforward(g3, fd, x, ts) as Float64Array[];
    expect(r).toHaveLength(3);
    expect(relativeError(r[0]!, jvp(ts[0]!))).toBeLessThanOrEqual(tol);
    expect(relativeError(r[1]!, jvp(ts[1]!))).toBeLessThanOrEqual(tol);
    // the zero tangent is exactly zero
    expect(Array.from(r[2]!)).toEqual([0, 0, 0]);
    const [v, r2] = valueAndPushforward(g3, fd, x, ts);
    expect(Array.from(v as Float64Array)).toEqual(g3Value(x));
    expect(relativeError(r2[1] as Float64Array, jvp(ts[1]!))).toBeLessThanOrEqual(tol);
    const outs = [new Float64Array(3), new Float64Array(3), new Float64Array(3)];
    expect(pushforwardInto(outs, g3, fd, x, ts)).toBe(outs);
    expect(relativeError(outs[1]!, jvp(ts[1]!))).toBeLessThanOrEqual(tol);
    const prep = preparePushforward(g3, fd, x, ts.slice(0, 1));
    expect(relativeError(prep.pushforward(x, [ts[1]!])[0] as Float64Array, jvp(ts[1]!))).toBeLessThanOrEqual(
      tol,
    );
  });

  test('pullback, valueAndPullback, pullbackInto, preparePullback (derived from the Jacobian)', () => {
    const cs = [Float64Array.of(1, 0, 0), Float64Array.of(0.3, 2, -1)];
    const r = pullback(g3, fd, x, cs) as Float64Array[];
    expect(relativeError(r[0]!, vjp(cs[0]!))).toBeLessThanOrEqual(tol);
    expect(relativeError(r[1]!, vjp(cs[1]!))).toBeLessThanOrEqual(tol);
    const [v, r2] = valueAndPullback(g3, fd, x, cs);
    expect(Array.from(v as Float64Array)).toEqual(g3Value(x));
    expect(relativeError(r2[1] as Float64Array, vjp(cs[1]!))).toBeLessThanOrEqual(tol);
    const outs = [new Float64Array(3), new Float64Array(3)];
    expect(pullbackInto(outs, g3, fd, x, cs)).toBe(outs);
    expect(relativeError(outs[1]!, vjp(cs[1]!))).toBeLessThanOrEqual(tol);
    const prep = preparePullback(g3, fd, x, cs);
    expect(relativeError(prep.pullback(x, cs)[1] as Float64Array, vjp(cs[1]!))).toBeLessThanOrEqual(tol);
  });
});

describe('second order: finiteDiff() alone is secondOrder(finiteDiff(), finiteDiff())', () => {
  const pairs = [
    ['finiteDiff()', fd],
    ['secondOrder(finiteDiff(), finiteDiff())', secondOrder(finiteDiff(), finiteDiff())],
  ] as const;
  for (const [label, b] of pairs) {
    test(`hessian, valueGradientAndHessian, hessianInto, prepareHessian with ${label}`, () => {
      const H = hessian(f3, b, x);
      expect(H.shape).toEqual([3, 3]);
      expect(relativeError(H.data, f3Hessian(x))).toBeLessThanOrEqual(tol2);
      const [v, g, H2] = valueGradientAndHessian(f3, b, x);
      expect(v).toBe(f3Value(x));
      expect(relativeError(g, f3Gradient(x))).toBeLessThanOrEqual(tol2);
      expect(relativeError(H2.data, f3Hessian(x))).toBeLessThanOrEqual(tol2);
      const out = NDArray.zeros([3, 3]);
      expect(hessianInto(out, f3, b, x)).toBe(out);
      expect(relativeError(out.data, f3Hessian(x))).toBeLessThanOrEqual(tol2);
      const prep = prepareHessian(f3, b, x);
      const p = Float64Array.of(2, 1, -3);
      expect(relativeError(prep.hessian(p).data, f3Hessian(p))).toBeLessThanOrEqual(tol2);
    });

    test(`hvp, gradientAndHvp, hvpInto, prepareHvp with ${label}`, () => {
      const ts = [Float64Array.of(1, 2, 3), Float64Array.of(0, -1, 0.5)];
      const r = hvp(f3, b, x, ts) as Float64Array[];
      expect(relativeError(r[0]!, hv(ts[0]!))).toBeLessThanOrEqual(tol2);
      expect(relativeError(r[1]!, hv(ts[1]!))).toBeLessThanOrEqual(tol2);
      const [g, r2] = gradientAndHvp(f3, b, x, ts);
      expect(relativeError(g as Float64Array, f3Gradient(x))).toBeLessThanOrEqual(tol2);
      expect(relativeError(r2[0] as Float64Array, hv(ts[0]!))).toBeLessThanOrEqual(tol2);
      const outs = [new Float64Array(3), new Float64Array(3)];
      expect(hvpInto(outs, f3, b, x, ts)).toBe(outs);
      expect(relativeError(outs[1]!, hv(ts[1]!))).toBeLessThanOrEqual(tol2);
      const prep = prepareHvp(f3, b, x, ts);
      expect(relativeError(prep.hvp(x, ts)[0] as Float64Array, hv(ts[0]!))).toBeLessThanOrEqual(tol2);
    });

    test(`secondDerivative and its variants with ${label}`, () => {
      const f = (t: m.Value) => m.stack([m.exp(m.mul(2, t)), m.sin(t)]);
      const d2 = (t: number) => [4 * Math.exp(2 * t), -Math.sin(t)];
      expect(relativeError(secondDerivative(f, b, 0.3) as Float64Array, d2(0.3))).toBeLessThanOrEqual(tol2);
      const [v, d, dd] = valueDerivativeAndSecondDerivative(f, b, 0.3);
      expect(Array.from(v as Float64Array)).toEqual([Math.exp(0.6), Math.sin(0.3)]);
      expect(relativeError(d as Float64Array, [2 * Math.exp(0.6), Math.cos(0.3)])).toBeLessThanOrEqual(tol2);
      expect(relativeError(dd as Float64Array, d2(0.3))).toBeLessThanOrEqual(tol2);
      const out = new Float64Array(2);
      expect(secondDerivativeInto(out, f, b, 0.3)).toBe(out);
      expect(relativeError(out, d2(0.3))).toBeLessThanOrEqual(tol2);
      const prep = prepareSecondDerivative(f, b, 0);
      expect(relativeError(prep.secondDerivative(-1) as Float64Array, d2(-1))).toBeLessThanOrEqual(tol2);
      expect(relativeError(secondDerivative(m.sin, b, 1.1) as number, -Math.sin(1.1))).toBeLessThanOrEqual(
        tol2,
      );
    });
  }

  test('with Richardson extrapolation on both levels the Hessian is accurate to 1e-9', () => {
    const H = hessian(f3, finiteDiff({ richardson: true }), x);
    expect(relativeError(H.data, f3Hessian(x))).toBeLessThanOrEqual(1e-9);
  });
});
