/** Sparse Jacobians and Hessians over TensorFlow.js (float32): rows by pullbacks, HVPs by its own hvp. */
import * as tf from '@tensorflow/tfjs';
import { prepareHessian, prepareJacobian } from '@diffint/core';
import { tfjs } from '@diffint/tfjs';
import { beforeAll, expect, test } from 'vitest';
import { isRowOrthogonal, sparse } from '../src/index.js';
import {
  banded,
  bandedJacobian,
  expectSparseClose,
  range,
  rosenbrock,
  rosenbrockHessian,
  stencil,
  stencilJacobian,
} from './support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

test('banded Jacobian by 3 pullbacks (row coloring), leaving no tensor behind', () => {
  const x = range(20, (i) => Math.sin(i));
  const p = prepareJacobian(banded, sparse(tfjs()), x);
  expect(p.ncolors).toBe(3);
  expect(isRowOrthogonal(p.pattern, p.colors)).toBe(true);
  const before = tf.memory().numTensors;
  expectSparseClose(p.jacobian(x), bandedJacobian(x), 1e-5);
  expect(tf.memory().numTensors).toBe(before);
});

test('a five-point stencil through an enclosed buffer', () => {
  const { f } = stencil(4);
  const x = range(16, (i) => Math.cos(i) / 2);
  expectSparseClose(prepareJacobian(f, sparse(tfjs()), x).jacobian(x), stencilJacobian(4, x), 1e-5);
});

test('chained Rosenbrock Hessian by 3 Hessian-vector products', () => {
  const x = range(12, (i) => 0.5 + i / 12);
  const p = prepareHessian(rosenbrock, sparse(tfjs()), x);
  expect(p.ncolors).toBe(3);
  expectSparseClose(p.hessian(x), rosenbrockHessian(x), 1e-4);
});
