/**
 * Second order: Hessians, Hessian-vector products, second derivatives, buffers written under two
 * nested differentiations, and the perturbation-confusion check d/dx [x · d/dy (x + y)] = 1.
 */
import { type Buffer, cache, derivative } from '@diffint/core';
import * as m from '@diffint/core/math';
import { type Scenario, nested } from '../types.js';
import { matrix, scenariosFrom, wave } from './derive.js';
import { enclosed, withVariants } from './variants.js';

const family = 'second-order';

// ---- the extended Rosenbrock function ----

const n = 6;
const rosenbrock = (x: m.Value) => {
  const head = m.slice(x, 0, n - 1);
  const tail = m.slice(x, 1, n);
  return m.sum(m.add(m.mul(100, m.square(m.sub(tail, m.square(head)))), m.square(m.sub(1, head))));
};
const xr = Float64Array.from({ length: n }, (_, i) => 0.6 + 0.4 * wave(70)(i));
const rosenbrockGradient = new Float64Array(n);
const rosenbrockHessian = matrix(n, n, () => 0);
let rosenbrockValue = 0;
for (let i = 0; i < n - 1; i++) {
  // the term 100 (x_{i+1} − x_i²)² + (1 − x_i)²
  const [a, b] = [xr[i]!, xr[i + 1]!];
  rosenbrockValue += 100 * (b - a * a) ** 2 + (1 - a) ** 2;
  rosenbrockGradient[i]! += -400 * a * (b - a * a) - 2 * (1 - a);
  rosenbrockGradient[i + 1]! += 200 * (b - a * a);
  const H = rosenbrockHessian.data;
  H[i * n + i]! += 1200 * a * a - 400 * b + 2;
  H[i * n + i + 1]! += -400 * a;
  H[(i + 1) * n + i]! += -400 * a;
  H[(i + 1) * n + i + 1]! += 200;
}

// ---- f(x) = x·exp(sin x) ----

const xs = 0.7;
const e = Math.exp(Math.sin(xs));
const c = Math.cos(xs);

// ---- Σ x³ through a buffer: the write and the read happen under two traces ----

const sumOfCubes = (x: m.Value, scratch: Buffer) => {
  scratch.assign(m.mul(x, x));
  return m.sum(m.mul(scratch.read(), x));
};
const xc = Float64Array.of(0.5, -1.2, 2, 0.3);
const cubic = {
  x: xc,
  value: xc.reduce((s, v) => s + v ** 3, 0),
  jacobian: matrix(1, 4, (_, j) => 3 * xc[j]! ** 2),
  hessian: matrix(4, 4, (i, j) => (i === j ? 6 * xc[i]! : 0)),
};

const smooth: Scenario[] = [
  ...scenariosFrom(
    { name: 'rosenbrock', family, tags: ['second-order'], f: rosenbrock },
    {
      x: xr,
      value: rosenbrockValue,
      jacobian: matrix(1, n, (_, j) => rosenbrockGradient[j]!),
      hessian: rosenbrockHessian,
    },
    ['hessian', 'hvp'],
  ),
  ...scenariosFrom(
    {
      name: 'x-exp-sin-x',
      family,
      tags: ['second-order'],
      f: (x: m.Value) => m.mul(x, m.exp(m.sin(x))),
    },
    {
      x: xs,
      value: xs * e,
      jacobian: matrix(1, 1, () => e + xs * e * c),
      hessian: matrix(1, 1, () => e * (2 * c + xs * c * c - xs * Math.sin(xs))),
      secondDerivative: e * (2 * c + xs * c * c - xs * Math.sin(xs)),
    },
    ['secondDerivative', 'hessian'],
  ),
];

/** Σx³ with x² kept in a `cache()` context; its enclosed-buffer form is derived from it. */
const cubesThroughCache: Scenario[] = [
  ...scenariosFrom(
    {
      name: 'cubes-through-cache-context',
      family,
      tags: ['second-order', 'cache'],
      f: sumOfCubes,
      contexts: [cache(4)],
    },
    cubic,
    ['hessian', 'hvp'],
  ),
];

/** The second-order family: Hessians, Hessian-vector products, second derivatives and nested forms. */
export const secondOrderScenarios: Scenario[] = [
  // The nested forms put each inside an outer derivative with respect to a factor of f.
  ...withVariants(smooth, ['nested']),
  ...cubesThroughCache.map((s) =>
    enclosed(s, 'cubes-through-buffer', {
      tags: ['second-order', 'closure-cache', 'buffer'],
      after: ([cubes]) => ({
        what: 'the buffer holds x²',
        read: () => cubes!.read(),
        expected: xc.map((v) => v * v),
      }),
    }),
  ),
  ...withVariants(cubesThroughCache, ['nested']),
  ...scenariosFrom(
    {
      name: 'nested-x-times-d-dy-x-plus-y',
      family,
      tags: ['second-order', 'nested'],
      // d/dx [x · d/dy (x + y)] = d/dx [x · 1] = 1: a backend that confuses the two
      // perturbations sees x as moving in the inner derivative and gets 2.
      f: nested((b) => (x: m.Value) => m.mul(x, derivative((y: m.Value) => m.add(x, y), b, 0) as m.Value)),
    },
    { x: 1, value: 1, jacobian: matrix(1, 1, () => 1) },
    ['derivative'],
  ),
  ...scenariosFrom(
    {
      name: 'nested-x-times-d-dy-x-times-y',
      family,
      tags: ['second-order', 'nested'],
      // d/dx [x · d/dy (x·y)] = d/dx x² = 2x
      f: nested((b) => (x: m.Value) => m.mul(x, derivative((y: m.Value) => m.mul(x, y), b, 1) as m.Value)),
    },
    { x: 3, value: 9, jacobian: matrix(1, 1, () => 6) },
    ['derivative'],
  ),
];
