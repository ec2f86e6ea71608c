/**
 * Implicit Euler on the 2-D Brusselator: each step solves xₙ₊₁ − xₙ − h f(xₙ₊₁) = 0 by Newton's
 * method, whose matrix I − h J is sparse. The Jacobian J comes from `sparse(forward())` (one
 * pushforward per color), the sparse LU from mathjs. Prints what it checks and exits non-zero if
 * a check fails:
 *   1. J·v equals central differences of f along random directions;
 *   2. Newton converges quadratically (a wrong Jacobian would make it linear at best);
 *   3. Σ(u + v) follows the discrete balance law of implicit Euler (see brusselator.ts).
 */
import { type SparseMatrix, prepareJacobian } from '@diffint/core';
import { forward } from '@diffint/forward';
import { sparse } from '@diffint/sparse';
import * as mathjs from 'mathjs';
import { type Matrix, lusolve, slu } from 'mathjs';
import { brusselator, initialState, params } from './brusselator.js';

/** mathjs exports its SparseMatrix constructor, which its type declarations leave out. */
const MathSparse = (
  mathjs as unknown as {
    SparseMatrix: new (data: {
      values: number[];
      index: number[];
      ptr: number[];
      size: [number, number];
    }) => Matrix;
  }
).SparseMatrix;

const N = Number(process.env.GRID ?? 16);
const h = 0.05;
const steps = Number(process.env.STEPS ?? 10);
const n = 2 * N * N;
const f = brusselator(N);
const evaluate = (x: Float64Array) => f(x) as Float64Array;

const failures: string[] = [];
const check = (ok: boolean, what: string) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};
const norm = (v: Float64Array) => Math.sqrt(v.reduce((s, a) => s + a * a, 0));

let x = initialState(N);
const prep = prepareJacobian(f, sparse(forward()), x);
console.log(
  `Brusselator ${N}×${N}: ${n} unknowns, Jacobian with ${prep.pattern.nnz} nonzeros ` +
    `(${((100 * prep.pattern.nnz) / (n * n)).toFixed(3)} %), ${prep.ncolors} colors`,
);

// 1. The sparse Jacobian against central differences of f.
{
  const J = prep.jacobian(x);
  let worst = 0;
  for (let trial = 0; trial < 3; trial++) {
    const v = Float64Array.from({ length: n }, (_, k) => Math.sin(1.3 * (k + 1) * (trial + 1)));
    const eps = 1e-6;
    const plus = evaluate(x.map((a, k) => a + eps * v[k]!));
    const minus = evaluate(x.map((a, k) => a - eps * v[k]!));
    const Jv = multiply(J, v);
    const fd = plus.map((p, k) => (p - minus[k]!) / (2 * eps));
    worst = Math.max(worst, norm(Jv.map((a, k) => a - fd[k]!)) / norm(fd));
  }
  check(worst < 1e-7, `J·v agrees with central differences (relative error ${worst.toExponential(1)})`);
}

function multiply(A: SparseMatrix, v: Float64Array): Float64Array {
  const out = new Float64Array(A.shape[0]);
  for (let i = 0; i < out.length; i++) {
    let s = 0;
    for (let k = A.rowPtr[i]!; k < A.rowPtr[i + 1]!; k++) s += A.values[k]! * v[A.colIdx[k]!]!;
    out[i] = s;
  }
  return out;
}

/** I − h J as a mathjs sparse matrix (compressed columns: the CSR arrays of the transpose). */
function newtonMatrix(J: SparseMatrix): Matrix {
  const count = new Int32Array(n + 1);
  for (let k = 0; k < J.nnz; k++) count[J.colIdx[k]! + 1]!++;
  for (let j = 0; j < n; j++) count[j + 1]! += count[j]!;
  const next = count.slice(0, n);
  const values = new Array<number>(J.nnz);
  const index = new Array<number>(J.nnz);
  for (let i = 0; i < n; i++) {
    for (let k = J.rowPtr[i]!; k < J.rowPtr[i + 1]!; k++) {
      const j = J.colIdx[k]!;
      const p = next[j]!++;
      index[p] = i;
      values[p] = (i === j ? 1 : 0) - h * J.values[k]!;
    }
  }
  // The diagonal is in J's pattern (every cell reacts with itself), so I − h J needs no new entries.
  return new MathSparse({ values, index, ptr: Array.from(count), size: [n, n] });
}

const sum = (v: Float64Array, from: number, to: number) => {
  let s = 0;
  for (let k = from; k < to; k++) s += v[k]!;
  return s;
};

const J = prep.jacobian(x);
let quadratic = true;
let timeJacobian = 0;
let timeSolve = 0;
let worstBalance = 0;
const started = performance.now();
for (let step = 0; step < steps; step++) {
  const previous = x;
  let next = x.slice();
  const residuals: number[] = [];
  for (let iteration = 0; iteration < 8; iteration++) {
    const fx = evaluate(next);
    const r = next.map((a, k) => a - previous[k]! - h * fx[k]!);
    residuals.push(norm(r));
    if (residuals.at(-1)! < 1e-11 * Math.sqrt(n)) break;
    let t0 = performance.now();
    prep.jacobianInto(J, next);
    timeJacobian += performance.now() - t0;
    t0 = performance.now();
    const delta = (lusolve(slu(newtonMatrix(J), 1, 0.001), Array.from(r)).valueOf() as number[][]).flat();
    timeSolve += performance.now() - t0;
    next = next.map((a, k) => a - delta[k]!);
  }
  // Quadratic convergence: each residual at most about the square of the one before (scaled).
  for (let k = 2; k < residuals.length; k++) {
    if (residuals[k]! > (10 * residuals[k - 1]! ** 2) / residuals[0]! + 1e-11 * Math.sqrt(n))
      quadratic = false;
  }
  x = next;
  const cells = N * N;
  const change = sum(x, 0, n) - sum(previous, 0, n);
  const balance = h * (cells * params.A - sum(x, 0, cells));
  worstBalance = Math.max(worstBalance, Math.abs(change - balance) / Math.max(1, Math.abs(balance)));
  if (step < 3 || step === steps - 1) {
    console.log(`step ${step + 1}: Newton residuals ${residuals.map((r) => r.toExponential(1)).join(' → ')}`);
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(
  `time in sparse Jacobians ${(timeJacobian / 1000).toFixed(2)} s, in sparse LU ${(timeSolve / 1000).toFixed(2)} s`,
);
check(quadratic, 'Newton converges quadratically at every step');
check(
  worstBalance < 1e-9,
  `Σ(u + v) follows the balance law (largest relative defect ${worstBalance.toExponential(1)})`,
);
const cells = N * N;
console.log(
  `after ${steps} steps of h = ${h} (t = ${(steps * h).toFixed(2)}, ${seconds.toFixed(1)} s): ` +
    `mean u = ${(sum(x, 0, cells) / cells).toFixed(6)}, mean v = ${(sum(x, cells, n) / cells).toFixed(6)}`,
);

if (failures.length > 0) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
