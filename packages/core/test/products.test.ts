/**
 * Matrix products with finite factors take a blocked loop (four rows of the second factor per
 * pass): each element must still be the sum over p = 0 … k-1 in order, from +0, bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { StagingTrace, compile } from '../src/ir/index.js';
import * as m from '../src/math/ops.js';
import { type Value, withTrace } from '../src/trace.js';
import { NDArray } from '../src/values.js';

/** The sum over p in order, from +0, skipping nothing: the definition the kernels follow. */
function naive(x: NDArray, y: NDArray): Float64Array {
  const [rows, k] = x.shape as [number, number];
  const n = y.shape[1]!;
  const out = new Float64Array(rows * n);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += x.data[i * k + p]! * y.data[p * n + j]!;
      out[i * n + j] = s;
    }
  return out;
}

/** Entries spread over magnitudes, with exact zeros and negative zeros among them. */
function matrix(rows: number, cols: number, seed: number): NDArray {
  return new NDArray(
    Float64Array.from({ length: rows * cols }, (_, i) =>
      i % 7 === 0 ? 0 : i % 11 === 0 ? -0 : Math.sin(seed + 1.3 * i) * 10 ** ((i % 5) - 2),
    ),
    [rows, cols],
  );
}

const bits = (d: Float64Array) => Array.from(d, (v) => (Object.is(v, -0) ? '-0' : String(v)));

describe('finite matrix products', () => {
  for (const [rows, k, n] of [
    [1, 1, 1],
    [3, 5, 2],
    [6, 8, 7],
    [9, 13, 4],
  ] as const) {
    it(`[${rows}, ${k}] × [${k}, ${n}]: kernels and compiled code (either factor transposed) sum in order`, () => {
      const x = matrix(rows, k, rows);
      const y = matrix(k, n, n + 7);
      const want = bits(naive(x, y));
      expect(bits((m.matmul(x, y) as NDArray).data)).toEqual(want);
      expect(bits((m.matmulNoNan(x, y) as NDArray).data)).toEqual(want);
      const xt = m.transpose(x) as NDArray;
      const yt = m.transpose(y) as NDArray;
      for (const f of [
        (a: Value, b: Value) => m.matmul(m.transpose(a), b),
        (a: Value, b: Value) => m.matmul(a, m.transpose(b)),
        (a: Value, b: Value) => m.matmulNoNan(m.transpose(a), m.transpose(b)),
      ]) {
        const st = new StagingTrace();
        const inputs = f.toString().includes('transpose(a)') ? [xt] : [x];
        inputs.push(f.toString().includes('transpose(b)') ? yt : y);
        const p = withTrace(st, () => {
          const [a, b] = inputs.map((v) => st.input(v.shape));
          return st.program.finish([st.outputVar(f(a!, b!))]);
        });
        const c = compile(p);
        expect(c.generated).toBe(true);
        expect(bits((c.run(inputs)[0] as NDArray).data)).toEqual(want);
      }
    });
  }
});
