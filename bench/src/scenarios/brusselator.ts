/**
 * The 2-D Brusselator reaction–diffusion right-hand side on an N×N periodic grid, written the
 * way scientific code is: the Laplacians (matmul results) are written into enclosed, pre-allocated
 * buffers and read back. Its Jacobian [2N², 2N²] is the closure-over-cache benchmark.
 *
 *   du/dt = B + u²v − (A + 1)u + α Δu,   dv/dt = Au − u²v + α Δv,   Δu = L U + U L.
 */
import { NDArray, buffer, jacobian, prepareJacobian } from '@diffint/core';
import * as m from '@diffint/core/math';
import type { Engines } from '../engines.js';
import type { Case, Scenario } from '../types.js';
import { diffintVariants, engineRows } from '../variants.js';

const A = 1;
const B = 3;
const alpha = 0.1;

/** The periodic second-difference matrix of one axis. */
function secondDifference(N: number): NDArray {
  const L = new Float64Array(N * N);
  for (let i = 0; i < N; i++) {
    L[i * N + i]! -= 2;
    L[i * N + ((i + 1) % N)]! += 1;
    L[i * N + ((i + N - 1) % N)]! += 1;
  }
  return new NDArray(L, [N, N]);
}

function makeRhs(N: number, L: NDArray) {
  const N2 = N * N;
  const lapU = buffer([N, N]);
  const lapV = buffer([N, N]);
  return (x: m.Value): m.Value => {
    const u = m.reshape(m.slice(x, 0, N2), [N, N]);
    const v = m.reshape(m.slice(x, N2, 2 * N2), [N, N]);
    lapU.assign(m.add(m.matmul(L, u), m.matmul(u, L)));
    lapV.assign(m.add(m.matmul(L, v), m.matmul(v, L)));
    const uuv = m.mul(m.square(u), v);
    const du = m.add(m.sub(m.add(uuv, B), m.mul(A + 1, u)), m.mul(alpha, lapU.read()));
    const dv = m.add(m.sub(m.mul(A, u), uuv), m.mul(alpha, lapV.read()));
    return m.concat([m.reshape(du, [N2]), m.reshape(dv, [N2])]);
  };
}

/** The analytic Jacobian, assembled densely in plain JS. */
function jacobianByHand(N: number, L: NDArray, x: Float64Array): NDArray {
  const N2 = N * N;
  const n = 2 * N2;
  const J = new Float64Array(n * n);
  const l = L.data;
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < N; j++) {
      const k = i * N + j;
      const u = x[k]!;
      const v = x[N2 + k]!;
      const ru = k * n;
      const rv = (N2 + k) * n;
      J[ru + k]! += 2 * u * v - (A + 1);
      J[ru + N2 + k]! += u * u;
      J[rv + k]! += A - 2 * u * v;
      J[rv + N2 + k]! -= u * u;
      for (let a = 0; a < N; a++) {
        // Δ at (i, j) reads (a, j) through L U and (i, a) through U L.
        const down = alpha * l[i * N + a]!;
        const across = alpha * l[a * N + j]!;
        J[ru + a * N + j]! += down;
        J[ru + i * N + a]! += across;
        J[rv + N2 + a * N + j]! += down;
        J[rv + N2 + i * N + a]! += across;
      }
    }
  }
  return new NDArray(J, [n, n]);
}

function build(unknowns: number, engines: Engines): Case {
  const N = Math.round(Math.sqrt(unknowns / 2));
  const L = secondDifference(N);
  const rhs = makeRhs(N, L);
  const x = Float64Array.from({ length: 2 * N * N }, (_, k) => (k < N * N ? 1 : 3) + 0.2 * Math.sin(1.7 * k));
  const { rows, skipped } = engineRows(engines, unknowns, { tfjsUpTo: 128 });
  const variants = rows.flatMap((row) =>
    diffintVariants(
      row,
      {
        operator: 'jacobian',
        prepare: (e) => {
          const p = prepareJacobian(rhs, e, x);
          return () => p.jacobian(x);
        },
        once: (e) => jacobian(rhs, e, x),
        derivative: (r) => (r as NDArray).data,
      },
      engines,
    ),
  );
  return {
    scenario: 'brusselator',
    size: unknowns,
    sizeUnit: 'unknowns (2N²)',
    f: () => rhs(x),
    hand: () => jacobianByHand(N, L, x),
    reference: jacobianByHand(N, L, x).data,
    variants,
    skipped,
    note: `Grid ${N}×${N}; the Laplacians go through two enclosed buffers. No raw-engine baseline: TensorFlow.js has no Jacobian.`,
  };
}

export const brusselatorScenario: Scenario = {
  name: 'brusselator',
  title: 'Brusselator 2-D, jacobian (enclosed caches)',
  sizes: { full: [32, 128, 512], smoke: [8] },
  build,
};
