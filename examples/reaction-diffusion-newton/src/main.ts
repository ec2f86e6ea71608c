/**
 * Newton's method for the steady state of a 2-D reaction–diffusion equation, the Bratu problem
 * Δu + λ·eᵘ = 0 on the unit square with u = 0 on the boundary (λ = 1), on an N × N grid of
 * interior points. The residual is written once with portable math; its Jacobian (5 nonzeros a
 * row) comes from `sparse(forward())` — sparsity detected once, a few colors, one compressed
 * pushforward per color — and each Newton step solves J·δ = −F by conjugate gradients on the
 * CSR matrix (J = −Δ − λ·diag(eᵘ) is symmetric positive definite for this λ).
 *
 * Checks, exiting non-zero on a failure: the sparse Jacobian equals the dense one of `tape()`;
 * Newton converges quadratically to ‖F‖∞ < 1e-9; max u is the known ≈ 0.078 of this problem.
 */
import { jacobian, type NDArray, prepareJacobian, type SparseMatrix } from '@diffint/core';
import * as m from '@diffint/core/math';
import { forward } from '@diffint/forward';
import { sparse } from '@diffint/sparse';
import { tape } from '@diffint/tape';

const N = Number(process.argv.find((a) => a.startsWith('--n='))?.slice(4) ?? 24);
const lambda = 1;
const h = 1 / (N + 1);

/** v shifted by one row along the first axis: row i holds v[i − 1] (down) or v[i + 1], zero past the edge. */
const shiftDown = (v: m.Value) => m.slice(m.pad(v, 1, 0), 0, N);
const shiftUp = (v: m.Value) => m.slice(m.pad(v, 0, 1), 1, N + 1);

/** F(u) = −Δₕu − λ·eᵘ over the interior, u flattened row by row. */
function residual(u: m.Value): m.Value {
  const U = m.reshape(u, [N, N]);
  const T = m.transpose(U);
  const neighbours = m.add(m.add(shiftDown(U), shiftUp(U)), m.transpose(m.add(shiftDown(T), shiftUp(T))));
  const laplacian = m.div(m.sub(neighbours, m.mul(4, U)), h * h);
  return m.reshape(m.sub(m.neg(laplacian), m.mul(lambda, m.exp(U))), [N * N]);
}

/** y = A·x for a CSR matrix. */
function multiply(A: SparseMatrix, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < A.shape[0]; i++) {
    let s = 0;
    for (let k = A.rowPtr[i]!; k < A.rowPtr[i + 1]!; k++) s += A.values[k]! * x[A.colIdx[k]!]!;
    y[i] = s;
  }
}

const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);

/** Solves A·x = b for a symmetric positive definite A by conjugate gradients. */
function conjugateGradient(A: SparseMatrix, b: Float64Array, tolerance: number): Float64Array {
  const x = new Float64Array(b.length);
  const r = b.slice();
  const p = r.slice();
  const Ap = new Float64Array(b.length);
  let rr = dot(r, r);
  for (let k = 0; k < 10 * b.length && Math.sqrt(rr) > tolerance; k++) {
    multiply(A, p, Ap);
    const alpha = rr / dot(p, Ap);
    for (let i = 0; i < x.length; i++) {
      x[i]! += alpha * p[i]!;
      r[i]! -= alpha * Ap[i]!;
    }
    const next = dot(r, r);
    for (let i = 0; i < p.length; i++) p[i] = r[i]! + (next / rr) * p[i]!;
    rr = next;
  }
  return x;
}

const failures: string[] = [];
const u = new Float64Array(N * N);

// The sparse Jacobian against the dense one of another engine, at a point where eᵘ varies.
const probe = Float64Array.from(u, (_, i) => 0.1 * Math.sin(i));
const dense: NDArray = jacobian(residual, tape(), probe);
const sparseJ: SparseMatrix = jacobian(residual, sparse(forward()), probe);
const difference = sparseJ.toDense().data.reduce((d, v, i) => Math.max(d, Math.abs(v - dense.data[i]!)), 0);
console.log(
  `sparse Jacobian: ${sparseJ.nnz} nonzeros of ${(N * N) ** 2}; largest difference from the dense tape Jacobian ${difference.toExponential(1)}`,
);
if (sparseJ.nnz !== 5 * N * N - 4 * N)
  failures.push(`expected ${5 * N * N - 4 * N} nonzeros, got ${sparseJ.nnz}`);
if (difference > 1e-9 * (8 / (h * h))) failures.push(`sparse and dense Jacobians differ by ${difference}`);

// Newton: one preparation (the pattern and its coloring), reused at every step.
const prep = prepareJacobian(residual, sparse(forward()), u);
const norms: number[] = [];
for (let k = 0; k < 12; k++) {
  const [F, J] = prep.valueAndJacobian(u);
  const f = F as Float64Array;
  const norm = f.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
  norms.push(norm);
  console.log(`Newton ${k}: ‖F‖∞ = ${norm.toExponential(3)}`);
  if (norm < 1e-9) break;
  const delta = conjugateGradient(
    J,
    f.map((v) => -v),
    1e-12 * Math.max(1, norm),
  );
  for (let i = 0; i < u.length; i++) u[i]! += delta[i]!;
}
const last = norms.at(-1)!;
const maxU = u.reduce((a, b) => Math.max(a, b), 0);
console.log(`N = ${N}: ${norms.length - 1} Newton steps, max u = ${maxU.toFixed(5)}`);
if (!(last < 1e-9)) failures.push(`Newton did not converge: ‖F‖∞ = ${last}`);
if (norms.length > 7) failures.push(`Newton took ${norms.length - 1} steps: not quadratic`);
if (!(maxU > 0.07 && maxU < 0.08)) failures.push(`max u = ${maxU}, expected about 0.078`);
for (const f of failures) console.error(`FAILED: ${f}`);
process.exit(failures.length === 0 ? 0 : 1);
