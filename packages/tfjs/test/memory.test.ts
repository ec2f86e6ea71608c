import {
  buffer,
  derivative,
  gradient,
  hessian,
  hvp,
  jacobian,
  prepareDerivative,
  prepareGradient,
  prepareHessian,
  prepareHvp,
  prepareJacobian,
  preparePullback,
  preparePushforward,
  prepareSecondDerivative,
  pullback,
  pushforward,
  secondDerivative,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { beforeAll, describe, expect, test } from 'vitest';
import { tfjs } from '../src/index.js';
import { backends, liveTensors, useBackend } from './backends.js';

const calls = 1000;

// Small functions (the per-call cost is TensorFlow.js's per-op overhead) that still use an
// enclosed buffer, broadcasting and an op with a custom gradient.
const scratch = buffer(2);
const vector = (x: m.Value) => {
  scratch.assign(m.exp(x));
  return m.mul(scratch.read(), m.maximum(x, 0));
};
const scalar = (x: m.Value) => m.sum(vector(x));
const curve = (t: m.Value) => m.mul(m.exp(t), Float64Array.of(1, 2));
const x = Float64Array.of(0.3, -0.6);
const t = [Float64Array.of(1, 0.5)];

const t0 = tfjs();
const operators: [string, () => unknown][] = [
  ['derivative', () => derivative(curve, t0, 0.7)],
  ['gradient', () => gradient(scalar, t0, x)],
  ['jacobian', () => jacobian(vector, t0, x)],
  ['pushforward', () => pushforward(vector, t0, x, t)],
  ['pullback', () => pullback(vector, t0, x, t)],
  ['hessian', () => hessian(scalar, t0, x)],
  ['hvp', () => hvp(scalar, t0, x, t)],
  ['secondDerivative', () => secondDerivative(curve, t0, 0.7)],
];
const prepared: [string, () => () => unknown][] = [
  ['derivative', () => prepareDerivative(curve, t0, 0.7).derivative.bind(null, 0.7)],
  [
    'gradient',
    () => {
      const p = prepareGradient(scalar, t0, x);
      return () => p.gradient(x);
    },
  ],
  [
    'jacobian',
    () => {
      const p = prepareJacobian(vector, t0, x);
      return () => p.jacobian(x);
    },
  ],
  [
    'pushforward',
    () => {
      const p = preparePushforward(vector, t0, x, t);
      return () => p.pushforward(x, t);
    },
  ],
  [
    'pullback',
    () => {
      const p = preparePullback(vector, t0, x, t);
      return () => p.pullback(x, t);
    },
  ],
  [
    'hessian',
    () => {
      const p = prepareHessian(scalar, t0, x);
      return () => p.hessian(x);
    },
  ],
  [
    'hvp',
    () => {
      const p = prepareHvp(scalar, t0, x, t);
      return () => p.hvp(x, t);
    },
  ],
  [
    'secondDerivative',
    () => {
      const p = prepareSecondDerivative(curve, t0, 0.7);
      return () => p.secondDerivative(0.7);
    },
  ],
];

describe.each(backends)(`no tensor survives ${calls} calls, %s backend`, (name) => {
  beforeAll(() => useBackend(name));

  test.each(operators)('%s', (_, run) => {
    run();
    const before = liveTensors();
    for (let i = 0; i < calls; i++) run();
    expect(liveTensors()).toBe(before);
  });

  test.each(prepared)('prepared %s', (_, prepare) => {
    const run = prepare();
    run();
    const before = liveTensors();
    for (let i = 0; i < calls; i++) run();
    expect(liveTensors()).toBe(before);
  });
});

/** Every op of the wider set once, gradients of the custom ones to second order. */
const wide = (x: m.Value) =>
  m.add(
    m.sum(
      m.concat([
        m.atan(x),
        m.atan2(x, 0.5),
        m.asinh(x),
        m.acosh(m.add(x, 2)),
        m.atanh(m.mul(0.5, x)),
        m.asin(m.mul(0.5, x)),
        m.acos(m.mul(0.5, x)),
        m.sinh(x),
        m.cosh(x),
        m.log1p(m.add(x, 1)),
        m.expm1(x),
        m.log2(m.add(x, 1)),
        m.log10(m.add(x, 1)),
        m.erf(x),
        m.softplus(x),
        m.mul(m.floor(x), x),
        m.mul(m.ceil(x), x),
        m.mul(m.round(x), x),
        m.mul(m.trunc(x), x),
        m.mul(m.stopGradient(x), x),
        m.cumsum(x),
        m.softmax(x),
        m.clip(x, -0.5, 0.5),
      ]),
    ),
    m.add(m.add(m.max(x), m.logsumexp(x)), m.add(m.norm(x), m.prod(x))),
  );

describe.each(backends)('the wider op set leaves no tensor behind, %s backend', (name) => {
  beforeAll(() => useBackend(name));

  test.each([
    ['gradient', () => gradient(wide, t0, x)],
    ['hessian', () => hessian(wide, t0, x)],
  ] as const)('%s', (_, run) => {
    run();
    const before = liveTensors();
    for (let i = 0; i < 20; i++) run();
    expect(liveTensors()).toBe(before);
  });
});
