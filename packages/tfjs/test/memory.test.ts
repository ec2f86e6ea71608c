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
