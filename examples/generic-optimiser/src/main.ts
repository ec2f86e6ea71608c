/**
 * The generic optimiser on a parameter struct, with two engines chosen by the caller. Exits
 * non-zero unless both reach the known minimum.
 */
import { type Backend, NDArray, type Traced } from '@diffint/core';
import * as m from '@diffint/core/math';
import { forward } from '@diffint/forward';
import { tape } from '@diffint/tape';
import { minimise } from './minimise.js';

// f(p) = (1 − a)² + 10·(b − a²)² + ‖M − T‖²: minimum 0 at a = b = 1, M = T.
type Params = { a: number; b: number; M: NDArray };
const T = NDArray.from([
  [1, 2],
  [3, 4],
]);
const f = (p: Traced<Params>) =>
  m.add(
    m.add(m.square(m.sub(1, p.a)), m.mul(10, m.square(m.sub(p.b, m.square(p.a))))),
    m.sum(m.square(m.sub(p.M, T))),
  );
const start: Params = { a: -1, b: 2, M: NDArray.zeros([2, 2]) };

let failed = false;
for (const [name, backend] of [
  ['tape', tape()],
  ['forward', forward()],
] as [string, Backend][]) {
  const r = minimise(f, backend, start, { tolerance: 1e-7 });
  const p: Params = r.x;
  const error = Math.max(
    Math.abs(p.a - 1),
    Math.abs(p.b - 1),
    ...Array.from(p.M.data, (v, i) => Math.abs(v - T.data[i]!)),
  );
  console.log(
    `${name}: ${r.steps} steps, f = ${r.value.toExponential(2)}, a = ${p.a.toFixed(6)}, b = ${p.b.toFixed(6)}, error ${error.toExponential(1)}`,
  );
  if (!(error < 1e-5)) {
    console.error(`FAILED: ${name} did not reach the minimum`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
