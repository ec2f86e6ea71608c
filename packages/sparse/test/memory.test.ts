/** A long loop of prepared sparse calls keeps no memory: nothing accumulates across calls. */
import { prepareHessian, prepareJacobian, secondOrder } from '@diffint/core';
import { forward } from '@diffint/forward';
import { tape } from '@diffint/tape';
import { expect, test } from 'vitest';
import { sparse } from '../src/index.js';
import { banded, range, rosenbrock, stencil } from './support.js';

const gc = (globalThis as { gc?: () => void }).gc;

function heapAfter(calls: number, call: () => void): number {
  for (let i = 0; i < calls; i++) call();
  gc!();
  gc!();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

test.skipIf(gc === undefined)(
  'sparse Jacobians and Hessians in a loop grow neither the heap nor array-buffer memory',
  () => {
    const x = range(100, (i) => Math.sin(i));
    const pj = prepareJacobian(banded, sparse(forward()), x);
    const J = pj.jacobian(x);
    const { f } = stencil(8);
    const y = range(64, (i) => Math.cos(i));
    const ps = prepareJacobian(f, sparse(tape()), y);
    const S = ps.jacobian(y);
    const ph = prepareHessian(rosenbrock, sparse(secondOrder(forward(), tape())), x);
    const H = ph.hessian(x);
    const call = () => {
      pj.jacobianInto(J, x);
      ps.jacobianInto(S, y);
      ph.hessianInto(H, x);
    };
    const warm = heapAfter(50, call);
    const later = heapAfter(300, call);
    expect(later - warm).toBeLessThan(2 * 1024 * 1024);
  },
);
