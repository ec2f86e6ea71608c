/**
 * A user's program against the packed packages, compiled with strict TypeScript and run on Node
 * ESM: every engine, TensorFlow.js on its cpu and wasm backends, with the imports a user writes.
 * Each result is checked against its analytic value; any mismatch exits non-zero.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import {
  type Backend,
  buffer,
  constant,
  derivative,
  gradient,
  hessian,
  isDiffError,
  jacobian,
  type NDArray,
  type Plain,
  secondOrder,
  TracedValueError,
  valueAndGradient,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { finiteDiff } from '@diffint/finite-diff';
import { forward } from '@diffint/forward';
import { sparse } from '@diffint/sparse';
import { tape } from '@diffint/tape';
import { tfjs } from '@diffint/tfjs';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

let failures = 0;

/** A scalar result, typed `Plain` since f's output type is a `Value`. */
function scalar(v: Plain): number {
  if (typeof v !== 'number') throw new Error(`expected a number, got ${String(v)}`);
  return v;
}

function check(what: string, got: number, want: number, tol: number): void {
  const ok = Math.abs(got - want) <= tol * Math.max(1, Math.abs(want));
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}: ${got} (want ${want})`);
}

// A closure over a mutated buffer: d/dx (1 + x)² = 2(1 + x).
const a = buffer(1);
const closure = (x: m.Value) => {
  a.set(0, 1);
  a.set(0, m.add(a.get(0), x));
  return m.square(a.get(0));
};

// A parameter struct with a constant: loss = Σ (w·xᵢ + b − yᵢ)², typed by its structure.
type Params = { w: number; b: number };
const xs = Float64Array.of(1, 2, 3);
const ys = Float64Array.of(2, 3, 5);
const loss = (p: { w: m.Value; b: m.Value }, data: Float64Array) =>
  m.sum(m.square(m.sub(m.add(m.mul(p.w, data), p.b), ys)));
const params: Params = { w: 0.5, b: -1 };
const residual = (i: number) => params.w * xs[i]! + params.b - ys[i]!;
const wantW = 2 * [0, 1, 2].reduce((s, i) => s + residual(i) * xs[i]!, 0);
const wantB = 2 * [0, 1, 2].reduce((s, i) => s + residual(i), 0);

// Rosenbrock in two variables: a known Hessian at (1, 2).
const rosen = (v: m.Value) => {
  const x0 = m.get(v, 0);
  const x1 = m.get(v, 1);
  return m.add(m.square(m.sub(1, x0)), m.mul(100, m.square(m.sub(x1, m.square(x0)))));
};

function exercise(label: string, b: Backend, tol: number): void {
  check(`${label} derivative of a closure over a buffer`, scalar(derivative(closure, b, 2)), 6, tol);
  const [value, g] = valueAndGradient(loss, b, params, constant(xs));
  const g1: Params = g;
  check(
    `${label} value of a struct loss`,
    value,
    [0, 1, 2].reduce((s, i) => s + residual(i) ** 2, 0),
    tol,
  );
  check(`${label} gradient w`, g1.w, wantW, tol);
  check(`${label} gradient b`, g1.b, wantB, tol);
  const J: NDArray = jacobian((v: m.Value) => m.mul(v, v), b, Float64Array.of(3, 4));
  check(`${label} jacobian diagonal`, J.data[3]!, 8, tol);
  check(`${label} jacobian off-diagonal`, J.data[1]!, 0, tol);
}

exercise('tape', tape(), 1e-12);
exercise('forward', forward(), 1e-12);
exercise('finiteDiff', finiteDiff(), 1e-6);

const H = hessian(rosen, secondOrder(forward(), tape()), Float64Array.of(1, 2));
check('forward-over-tape hessian [0,0]', H.data[0]!, 2 - 400 * (2 - 3 * 1), 1e-10);
check('forward-over-tape hessian [0,1]', H.data[1]!, -400, 1e-10);

// A sparse Jacobian of a tridiagonal map: yᵢ = xᵢ₋₁ + xᵢ² + xᵢ₊₁, 3n − 2 structural nonzeros.
const tri = (v: m.Value) => {
  const n = m.size(v);
  const left = m.concat([Float64Array.of(0), m.slice(v, 0, n - 1)]);
  const right = m.concat([m.slice(v, 1, n), Float64Array.of(0)]);
  return m.add(m.add(left, m.square(v)), right);
};
const Js = jacobian(tri, sparse(forward()), Float64Array.of(1, 2, 3, 4, 5));
check('sparse(forward()) jacobian nonzeros', Js.nnz, 13, 0);
check('sparse(forward()) jacobian [2,2]', Js.get(2, 2), 6, 1e-12);
check('sparse(forward()) jacobian [2,3]', Js.get(2, 3), 1, 1e-12);

const require = createRequire(import.meta.url);
setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
for (const backend of ['cpu', 'wasm']) {
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js backend ${backend} did not start`);
  await tf.ready();
  const before = tf.memory().numTensors;
  exercise(`tfjs (${backend})`, tfjs(), 1e-5);
  const Ht = hessian(rosen, tfjs(), Float64Array.of(1, 2));
  check(`tfjs (${backend}) hessian [1,1]`, Ht.data[3]!, 200, 1e-5);
  check(`tfjs (${backend}) tensors left`, tf.memory().numTensors - before, 0, 0);
}

// The silent-wrong-derivative bug is refused with a typed error.
const plain = new Float64Array(1);
try {
  gradient(
    (x: m.Value) => {
      plain[0] = x as unknown as number;
      return x;
    },
    tape(),
    1,
  );
  failures++;
  console.log('FAIL a traced value written to a Float64Array was not refused');
} catch (e) {
  const ok = e instanceof TracedValueError && isDiffError(e);
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} TracedValueError for a write into a Float64Array`);
}

if (failures > 0) {
  console.error(`${failures} check(s) failed`);
  process.exit(1);
}
