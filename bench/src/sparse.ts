/**
 * `pnpm --filter diffint-bench run sparse`: the targets of the sparse backend, as ratios measured
 * in one run (each task timed in rounds, round-robin, its quietest round counting):
 *
 * - 2-D Brusselator (stencil written with rolls, Laplacians through enclosed buffers),
 *   N = 32, 64, 128: colors; the prepared sparse Jacobian over f; over the prepared dense tape
 *   Jacobian (N = 32); detection + coloring (preparation) over f (N = 64); memory of the result.
 * - Chained Rosenbrock, n = 1e4: star colors; the prepared sparse Hessian over one prepared gradient.
 *
 * `--smoke` (CI): tiny sizes, few iterations, checks only that everything runs and is right.
 * A full run writes results/sparse.md.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type SparseMatrix,
  buffer,
  prepareGradient,
  prepareHessian,
  prepareJacobian,
  secondOrder,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { forward } from '@diffint/forward';
import { sparse } from '@diffint/sparse';
import { tape } from '@diffint/tape';
import { type TimingConfig, fullTiming, smokeTiming, time } from './measure.js';

const smoke = process.argv.includes('--smoke');
const cfg: TimingConfig = smoke ? smokeTiming : fullTiming;
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Median ms per call of each task, the quietest of `cfg.rounds` round-robin rounds. */
function timeAll(tasks: Record<string, () => unknown>): Record<string, number> {
  const best: Record<string, number> = {};
  for (let r = 0; r < cfg.rounds; r++) {
    for (const [name, fn] of Object.entries(tasks)) {
      const t = time(name, fn, cfg).medianMs;
      best[name] = Math.min(best[name] ?? Number.POSITIVE_INFINITY, t);
    }
  }
  return best;
}

// ---- the Brusselator, as in examples/brusselator-implicit-euler ----

const A = 1;
const B = 3.4;
const alpha = 0.002;

function rollRows(U: m.Value, shift: number): m.Value {
  const n = m.shape(U)[0]!;
  const s = ((shift % n) + n) % n;
  return s === 0 ? U : m.concat([m.slice(U, n - s, n), m.slice(U, 0, n - s)]);
}
const rollCols = (U: m.Value, shift: number) => m.transpose(rollRows(m.transpose(U), shift));

function brusselator(N: number): (x: m.Value) => m.Value {
  const cells = N * N;
  const lapU = buffer([N, N]);
  const lapV = buffer([N, N]);
  const scale = alpha * N * N;
  const laplacian = (U: m.Value) =>
    m.sub(m.add(m.add(rollRows(U, 1), rollRows(U, -1)), m.add(rollCols(U, 1), rollCols(U, -1))), m.mul(4, U));
  return (x) => {
    const U = m.reshape(m.slice(x, 0, cells), [N, N]);
    const V = m.reshape(m.slice(x, cells, 2 * cells), [N, N]);
    lapU.assign(laplacian(U));
    lapV.assign(laplacian(V));
    const uuv = m.mul(m.square(U), V);
    const du = m.add(m.sub(m.add(A, uuv), m.mul(B + 1, U)), m.mul(scale, lapU.read()));
    const dv = m.add(m.sub(m.mul(B, U), uuv), m.mul(scale, lapV.read()));
    return m.concat([m.reshape(du, [cells]), m.reshape(dv, [cells])]);
  };
}

/** The analytic Jacobian entry (i, j) of the Brusselator at x (independent of diffint). */
function brusselatorEntry(N: number, x: Float64Array, i: number, j: number): number {
  const cells = N * N;
  const [ci, cj] = [i % cells, j % cells];
  const [r, c] = [Math.floor(ci / N), ci % N];
  const around = [
    ((r + N - 1) % N) * N + c,
    ((r + 1) % N) * N + c,
    r * N + ((c + N - 1) % N),
    r * N + ((c + 1) % N),
  ];
  const scale = alpha * N * N;
  const sameField = i < cells === j < cells;
  let d = 0;
  if (sameField) d = scale * ((ci === cj ? -4 : 0) + around.filter((a) => a === cj).length);
  if (ci !== cj) return d;
  const [u, v] = [x[ci]!, x[cells + ci]!];
  if (i < cells) return d + (j < cells ? 2 * u * v - (B + 1) : u * u);
  return d + (j < cells ? B - 2 * u * v : -u * u);
}

function checkBrusselator(N: number, x: Float64Array, J: SparseMatrix): number {
  let worst = 0;
  const n = 2 * N * N;
  // Every structural nonzero, and 5 structurally zero entries per row, against the analytic J.
  for (let i = 0; i < n; i++) {
    for (let k = J.rowPtr[i]!; k < J.rowPtr[i + 1]!; k++) {
      worst = Math.max(worst, Math.abs(J.values[k]! - brusselatorEntry(N, x, i, J.colIdx[k]!)));
    }
    for (let t = 0; t < 5; t++) {
      const j = (i * 7919 + t * 104729) % n;
      worst = Math.max(worst, Math.abs(J.get(i, j) - brusselatorEntry(N, x, i, j)));
    }
  }
  return worst;
}

interface Row {
  readonly name: string;
  readonly value: string;
  readonly target?: string;
  readonly met?: boolean;
}
const rows: Row[] = [];
const ratio = (r: number) => `${r.toFixed(1)}×`;

function brusselatorCase(N: number, withDense: boolean, withPreparation: boolean): void {
  const n = 2 * N * N;
  const f = brusselator(N);
  const x = Float64Array.from({ length: n }, (_, k) => (k < N * N ? 1 : B / A) + 0.2 * Math.sin(1.7 * k));
  const backend = sparse(forward());
  const prepStart = performance.now();
  const prep = prepareJacobian(f, backend, x);
  const prepOnce = performance.now() - prepStart;
  const J = prep.jacobian(x);
  const error = checkBrusselator(N, x, J);
  if (!(error < 1e-10)) throw new Error(`Brusselator N = ${N}: the sparse Jacobian is off by ${error}`);
  const tasks: Record<string, () => unknown> = {
    f: () => f(x),
    sparse: () => prep.jacobianInto(J, x),
  };
  if (withPreparation) tasks.prepare = () => prepareJacobian(f, backend, x);
  // The same compressed Jacobian by one pullback per row color on the tape.
  const byRows = prepareJacobian(f, sparse(tape()), x);
  const Jrows = byRows.jacobian(x);
  tasks.rows = () => byRows.jacobianInto(Jrows, x);
  if (withDense) {
    const dense = prepareJacobian(f, tape(), x);
    tasks.dense = () => dense.jacobian(x);
  }
  const t = timeAll(tasks);
  const label = `Brusselator N = ${N} (${n} unknowns)`;
  const sparseBytes = J.nnz * 12 + (n + 1) * 4;
  log(`${label}: ${prep.ncolors} colors, ${J.nnz} nonzeros, f ${t.f!.toFixed(3)} ms`);
  rows.push({
    name: `${label}: colors`,
    value: String(prep.ncolors),
    target: N === 32 ? '≤ 12' : undefined,
    met: N === 32 ? prep.ncolors <= 12 : undefined,
  });
  const overF = t.sparse! / t.f!;
  rows.push({
    name: `${label}: prepared sparse Jacobian ÷ f`,
    value: ratio(overF),
    target: N === 64 ? '≤ 40×' : undefined,
    met: N === 64 ? overF <= 40 : undefined,
  });
  const rowsOverF = t.rows! / t.f!;
  rows.push({
    name: `${label}: prepared sparse(tape()) Jacobian (${byRows.ncolors} row colors) ÷ f`,
    value: ratio(rowsOverF),
    target: N === 64 ? '≤ 40×' : undefined,
    met: N === 64 ? rowsOverF <= 40 : undefined,
  });
  rows.push({
    name: `${label}: result memory (CSR) vs dense`,
    value: `${(sparseBytes / 1024).toFixed(0)} KiB vs ${((n * n * 8) / 1024 ** 2).toFixed(0)} MiB`,
  });
  if (withDense) {
    const speedup = t.dense! / t.sparse!;
    rows.push({
      name: `${label}: prepared dense tape Jacobian ÷ prepared sparse`,
      value: ratio(speedup),
      target: '≥ 50×',
      met: speedup >= 50,
    });
  }
  if (withPreparation) {
    const prepOverF = t.prepare! / t.f!;
    rows.push({
      name: `${label}: detection + coloring (preparation) ÷ f`,
      value: ratio(prepOverF),
      target: '≤ 50×',
      met: prepOverF <= 50,
    });
  } else {
    rows.push({ name: `${label}: preparation (once)`, value: `${prepOnce.toFixed(0)} ms` });
  }
}

function rosenbrockCase(n: number): void {
  const f = (x: m.Value) => {
    const a = m.slice(x, 0, n - 1);
    const b = m.slice(x, 1, n);
    return m.sum(m.add(m.square(m.sub(1, a)), m.mul(100, m.square(m.sub(b, m.square(a))))));
  };
  const x = Float64Array.from({ length: n }, (_, i) => 0.8 + 0.3 * Math.cos(i));
  const hess = prepareHessian(f, sparse(secondOrder(forward(), tape())), x);
  const grad = prepareGradient(f, tape(), x);
  const H = hess.hessian(x);
  // The analytic tridiagonal Hessian.
  let worst = 0;
  for (let i = 0; i < n; i++) {
    const diag = (i < n - 1 ? 2 - 400 * (x[i + 1]! - 3 * x[i]! ** 2) : 0) + (i > 0 ? 200 : 0);
    worst = Math.max(worst, Math.abs(H.get(i, i) - diag) / Math.abs(diag));
    if (i < n - 1) worst = Math.max(worst, Math.abs(H.get(i, i + 1) + 400 * x[i]!) / (400 * Math.abs(x[i]!)));
  }
  if (!(worst < 1e-12) || H.nnz !== 3 * n - 2)
    throw new Error(`Rosenbrock n = ${n}: the sparse Hessian is off by ${worst}`);
  const t = timeAll({ gradient: () => grad.gradient(x), hessian: () => hess.hessianInto(H, x) });
  const label = `chained Rosenbrock n = ${n}`;
  rows.push({
    name: `${label}: star colors`,
    value: String(hess.ncolors),
    target: '≤ 3',
    met: hess.ncolors <= 3,
  });
  const r = t.hessian! / t.gradient!;
  rows.push({
    name: `${label}: prepared sparse Hessian ÷ prepared gradient (tape)`,
    value: ratio(r),
    target: '≤ 10×',
    met: r <= 10,
  });
}

if (smoke) {
  brusselatorCase(4, true, true);
  rosenbrockCase(10);
} else {
  brusselatorCase(32, true, false);
  brusselatorCase(64, false, true);
  brusselatorCase(128, false, false);
  rosenbrockCase(10_000);
}

const table = [
  '| measurement | value | target |',
  '|---|---|---|',
  ...rows.map((r) => {
    // The targets hold at their sizes; a smoke run only checks that everything runs and is right.
    const target = r.target === undefined || smoke ? '' : `${r.target} ${r.met ? '✓' : '✗'}`;
    return `| ${r.name} | ${r.value} | ${target} |`;
  }),
];
process.stdout.write(`${table.join('\n')}\n`);
if (!smoke) {
  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'results', 'sparse.md');
  writeFileSync(
    out,
    `# Sparse backend targets (one run)\n\nRatios measured in one run on a shared machine (load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(
        ', ',
      )} at the end, ${os.cpus().length} cores); each task's quietest of ${cfg.rounds} rounds.\n\n${table.join('\n')}\n`,
  );
  log(`wrote ${out}`);
}
