import { NDArray, buffer, cache, inPlace, jacobian, prepareJacobian } from '@diffint/core';
import type { Buffer } from '@diffint/core';
import * as m from '@diffint/core/math';
import { finiteDiff } from '@diffint/finite-diff';
import { describe, expect, test } from 'vitest';
import { tape } from '../src/index.js';

/**
 * The 2-D Brusselator on an N×N periodic grid, written as scientific code is: the Laplacians
 * are `matmul` results assigned into pre-allocated caches, then read back.
 *   du = 1 + u²v − 4.4u + α Δu,   dv = 3.4u − u²v + α Δv,   Δw = D·w + w·Dᵀ
 */
const N = 4;
const alpha = 0.1;
const D = (() => {
  const d = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    d[i * N + i] = -2;
    d[i * N + ((i + 1) % N)] = 1;
    d[i * N + ((i + N - 1) % N)] = 1;
  }
  return new NDArray(d, [N, N]);
})();

function rhsWith(lapU: Buffer, lapV: Buffer, x: m.Value): m.Value {
  const u = m.reshape(m.slice(x, 0, N * N), [N, N]);
  const v = m.reshape(m.slice(x, N * N, 2 * N * N), [N, N]);
  lapU.assign(m.add(m.matmul(D, u), m.matmul(u, m.transpose(D))));
  lapV.assign(m.add(m.matmul(D, v), m.matmul(v, m.transpose(D))));
  const u2v = m.mul(m.square(u), v);
  const du = m.add(m.sub(m.add(1, u2v), m.mul(4.4, u)), m.mul(alpha, lapU.read()));
  const dv = m.add(m.sub(m.mul(3.4, u), u2v), m.mul(alpha, lapV.read()));
  return m.concat([m.reshape(du, [N * N]), m.reshape(dv, [N * N])]);
}

const x0 = Float64Array.from({ length: 2 * N * N }, (_, i) => 1 + 0.3 * Math.sin(1.7 * i));

/** Entries agree to a tolerance relative to the largest entry of the reference. */
function expectClose(a: NDArray, b: NDArray, rtol: number) {
  expect(a.shape).toEqual(b.shape);
  const scale = Math.max(...b.data.map(Math.abs));
  for (let k = 0; k < a.size; k++)
    expect(Math.abs(a.data[k]! - b.data[k]!)).toBeLessThanOrEqual(rtol * scale);
}

describe('reaction–diffusion Jacobian with caches written by matmul', () => {
  const lapU = buffer([N, N]);
  const lapV = buffer([N, N]);
  const rhs = (x: m.Value) => rhsWith(lapU, lapV, x);
  // Computed by the first test that needs it, not while the file is collected: mutation testing
  // attributes the code a test runs to that test only when it runs inside the test.
  let computed: NDArray | undefined;
  const reference = () =>
    (computed ??= jacobian(rhs, finiteDiff({ scheme: 'central', richardson: true }), x0));

  test('enclosed caches: tape equals finite differences', () => {
    const J = jacobian(rhs, tape(), x0);
    expectClose(J, reference(), 1e-8);
    // repeated and prepared calls give the same numbers
    const prep = prepareJacobian(rhs, tape(), x0);
    expectClose(prep.jacobian(x0), J, 0);
    expectClose(prep.jacobian(x0), J, 0);
  });

  test('after the call the caches hold what a plain call leaves', () => {
    jacobian(rhs, tape(), x0);
    const after = lapU.toFloat64Array();
    rhsWith(lapU, lapV, x0);
    expect(Array.from(after)).toEqual(Array.from(lapU.toFloat64Array()));
  });

  test('caches passed as cache() contexts', () => {
    const f = (x: m.Value, a: Buffer, b: Buffer) => rhsWith(a, b, x);
    const J = jacobian(f, tape(), x0, cache([N, N]), cache([N, N]));
    expectClose(J, reference(), 1e-8);
  });

  test('as an in-place function f(du, u)', () => {
    const f = inPlace(
      (y: Buffer, x: m.Value) => y.assign(rhsWith(lapU, lapV, x)),
      new Float64Array(2 * N * N),
    );
    const J = jacobian(f, tape(), x0);
    expectClose(J, reference(), 1e-8);
  });
});
