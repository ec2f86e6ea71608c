/**
 * customRule and differentiateWith on tfjs (cpu): the rules become tf.customGrad gradients, and
 * pushforwards (the double-VJP trick) and Hessians differentiate them again. References are
 * hand-written derivatives; tolerances are float32's.
 */
import {
  ShapeMismatchError,
  UnsupportedOperatorError,
  customRule,
  derivative,
  differentiateWith,
  gradient,
  hessian,
  jacobian,
  pushforward,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { finiteDiff } from '@diffint/finite-diff';
import { beforeAll, describe, expect, test } from 'vitest';
import { tfjs } from '../src/index.js';
import { liveTensors, useBackend } from './backends.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rel: number) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(
      rel * Math.max(1, Math.abs(expected[i]!)),
    );
  }
}

const softplus: (x: m.Value) => m.Value = customRule((x: m.Value) => m.log(m.add(1, m.exp(x))), {
  name: 'softplus',
  jvp: ([x], [t]) => [softplus(x), m.mul(t, m.sigmoid(x))],
  vjp: ([x], ct) => [m.mul(ct, m.sigmoid(x))],
});
const doubled = customRule((x: m.Value) => x, { vjp: (_p, ct) => [m.mul(2, ct)] });
const aSinB = customRule((a: m.Value, b: m.Value) => m.mul(a, m.sin(b)), {
  name: 'aSinB',
  jvp: ([a, b], [ta, tb]) => [m.mul(a, m.sin(b)), m.add(m.mul(ta, m.sin(b)), m.mul(m.mul(a, m.cos(b)), tb))],
});

/** One explicit Euler step of u′ᵢ = −uᵢ³ + ½ uᵢ₋₁ (cyclic), plain JS over a scratch array. */
const scratch = new Float64Array(3);
const step = differentiateWith((u: Float64Array) => {
  for (let i = 0; i < 3; i++) scratch[i] = u[i]! + 0.1 * (-(u[i]! ** 3) + 0.5 * u[(i + 2) % 3]!);
  return scratch;
}, finiteDiff());
const stepJacobian = (u: Float64Array) =>
  Array.from({ length: 9 }, (_, k) => {
    const i = Math.floor(k / 3);
    const j = k % 3;
    return (i === j ? 1 - 0.3 * u[i]! ** 2 : 0) + (j === (i + 2) % 3 ? 0.05 : 0);
  });

describe('customRule and differentiateWith on tfjs (cpu)', () => {
  beforeAll(async () => {
    await useBackend('cpu');
  });

  test('the gradient is the rule: σ(x) at large x, and a doubled identity', () => {
    const x = Float64Array.of(80, -3, 0.5);
    const before = liveTensors();
    expectClose(
      gradient((x: m.Value) => m.sum(softplus(x)), tfjs(), x),
      x.map(sigmoid),
      1e-6,
    );
    expect(derivative((x: m.Value) => doubled(m.square(x)), tfjs(), 3)).toBe(12);
    expect(liveTensors()).toBe(before);
  });

  test('a jvp-only rule, transposed; pushforward by the double-VJP trick', () => {
    const a = Float64Array.of(1, -2);
    const b = Float64Array.of(0.3, 1.1);
    const g = gradient((p: { a: m.Value; b: m.Value }) => m.sum(aSinB(p.a, p.b)), tfjs(), { a, b });
    expectClose(g.a, b.map(Math.sin), 1e-6);
    expectClose(
      g.b,
      b.map((v, i) => a[i]! * Math.cos(v)),
      1e-6,
    );
    const [t] = pushforward((x: m.Value) => softplus(x), tfjs(), Float64Array.of(0.5, 2), [
      Float64Array.of(1, -1),
    ]);
    expectClose(t as Float64Array, [sigmoid(0.5), -sigmoid(2)], 1e-6);
  });

  test('a Hessian through portable-math rules (gradients of gradients)', () => {
    const x = Float64Array.of(0.3, -1.2);
    const h = hessian((x: m.Value) => m.sum(m.mul(softplus(x), x)), tfjs(), x);
    const d = x.map((v) => 2 * sigmoid(v) + v * sigmoid(v) * (1 - sigmoid(v)));
    expectClose(h.data, [d[0]!, 0, 0, d[1]!], 1e-5);
  });

  test('a black-box ODE step differentiated by finite differences inside tfjs', () => {
    const u = Float64Array.of(0.5, -1, 0.8);
    const before = liveTensors();
    expectClose(jacobian((u: m.Value) => step(u), tfjs(), u).data, stepJacobian(u), 1e-5);
    const J = stepJacobian(u);
    const [t] = pushforward((u: m.Value) => step(u), tfjs(), u, [Float64Array.of(1, 0, 0)]);
    expectClose(t as Float64Array, [J[0]!, J[3]!, J[6]!], 1e-4);
    expect(liveTensors()).toBe(before);
  });

  test('wrong shapes and plain-JS rules are refused with typed errors', () => {
    const wrong = customRule((x: m.Value) => m.sum(x), {
      name: 'total',
      vjp: (_p, ct) => [m.mul(ct, Float64Array.of(1, 1))],
    });
    const before = liveTensors();
    expect(() => gradient((x: m.Value) => wrong(x), tfjs(), Float64Array.of(1, 2, 3))).toThrow(
      ShapeMismatchError,
    );
    const plainJs = customRule((x: m.Value) => m.exp(x), {
      name: 'plainExp',
      vjp: ([x], ct) => [Math.exp(x as number) * (ct as number)],
    });
    expect(() => derivative((x: m.Value) => plainJs(x), tfjs(), 1)).toThrow(UnsupportedOperatorError);
    expect(liveTensors()).toBe(before);
  });
});
