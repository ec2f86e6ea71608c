/**
 * Element loops over traced arrays (`get(x, i)` in a JS loop, a matrix read element by element, a
 * buffer assigned a traced vector and read back element by element) on the tape, forward mode
 * and forward-over-tape, compiled, interpreted and replayed; every derivative against its
 * analytic value.
 */
import {
  NDArray,
  buffer,
  constant,
  gradient,
  hvp,
  prepareGradient,
  replay,
  secondOrder,
} from '@diffint/core';
import type { Backend } from '@diffint/core';
import * as m from '@diffint/core/math';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';
import { forward } from '../src/index.js';
import { expectClose, pseudoRandom } from './helpers.js';

const engines: { name: string; make: () => Backend }[] = [
  { name: 'tape', make: () => tape() },
  { name: 'tape (interpreted)', make: () => tape({ codegen: false }) },
  { name: 'forward', make: () => forward() },
  { name: 'forward (interpreted)', make: () => forward({ codegen: false }) },
];

/** Σ c_i x_i², read element by element. */
const weightedSquares = (x: m.Value, c: Float64Array) => {
  let s: m.Value = 0;
  for (let i = 0; i < m.size(x); i++) {
    const g = m.get(x, i);
    s = m.add(s, m.mul(c[i]!, m.mul(g, g)));
  }
  return s;
};

describe.each(engines)('element loops on $name', ({ make }) => {
  const n = 37;
  const x = pseudoRandom(n, 3);
  const c = pseudoRandom(n, 5);

  test('the gradient of Σ c_i x_i² is 2 c_i x_i, on every call of a prepared gradient', () => {
    const p = prepareGradient(weightedSquares, make(), x, constant(c));
    for (let k = 0; k < 3; k++) {
      expectClose(
        p.gradient(x, constant(c)) as Float64Array,
        x.map((xi, i) => 2 * c[i]! * xi),
      );
    }
  });

  test('negative indices read from the end', () => {
    const f = (v: m.Value) => {
      let s: m.Value = 0;
      for (let i = 1; i <= m.size(v); i++) s = m.add(s, m.mul(i, m.square(m.get(v, -i))));
      return s;
    };
    // d/dx_j: the element at -i is x_{n-i}, so j = n - i and its weight is n - j.
    expectClose(
      gradient(f, make(), x) as Float64Array,
      x.map((xi, j) => 2 * (n - j) * xi),
    );
  });

  test('repeated reads of one element accumulate', () => {
    // f = Σ_i x_0 x_i, so ∂f/∂x_0 = Σ_i x_i + x_0 and ∂f/∂x_i = x_0 for i > 0.
    const f = (v: m.Value) => {
      let s: m.Value = 0;
      for (let i = 0; i < m.size(v); i++) s = m.add(s, m.mul(m.get(v, 0), m.get(v, i)));
      return s;
    };
    const total = x.reduce((a, b) => a + b, 0);
    expectClose(
      gradient(f, make(), x) as Float64Array,
      x.map((_, i) => (i === 0 ? total + x[0]! : x[0]!)),
    );
  });

  test('element reads beside a whole-array op add to the same adjoint', () => {
    // f = Σ x + Σ_{i even} x_i³: ∂f/∂x_i = 1 + 3 x_i² for even i, 1 otherwise.
    const f = (v: m.Value) => {
      let s = m.sum(v);
      for (let i = 0; i < m.size(v); i += 2) s = m.add(s, m.mul(m.square(m.get(v, i)), m.get(v, i)));
      return s;
    };
    expectClose(
      gradient(f, make(), x) as Float64Array,
      x.map((xi, i) => (i % 2 === 0 ? 1 + 3 * xi * xi : 1)),
    );
  });

  test('a matrix read element by element, get(M, i, j)', () => {
    const rows = 5;
    const cols = 7;
    const M = new NDArray(pseudoRandom(rows * cols, 11), [rows, cols]);
    const w = pseudoRandom(rows * cols, 13);
    const f = (A: m.Value) => {
      let s: m.Value = 0;
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) s = m.add(s, m.mul(w[i * cols + j]!, m.square(m.get(A, i, j))));
      }
      return s;
    };
    const g = gradient(f, make(), M) as NDArray;
    expect(g.shape).toEqual([rows, cols]);
    expectClose(
      g.data,
      M.data.map((a, k) => 2 * w[k]! * a),
    );
  });

  test('a buffer assigned a traced vector, read element by element', () => {
    const b = buffer(n);
    const f = (v: m.Value) => {
      b.assign(m.mul(v, 3));
      let s: m.Value = 0;
      for (let i = 0; i < n; i++) s = m.add(s, m.square(b.get(i)));
      return s;
    };
    // Σ (3 x_i)²: the gradient is 18 x_i.
    const p = prepareGradient(f, make(), x);
    for (let k = 0; k < 2; k++)
      expectClose(
        p.gradient(x) as Float64Array,
        x.map((xi) => 18 * xi),
      );
  });
});

describe('element loops under replay', () => {
  test.each([true, false])('replayed gradient of Σ c_i x_i² (codegen %s)', (codegen) => {
    const n = 23;
    const x = pseudoRandom(n, 17);
    const c = pseudoRandom(n, 19);
    const f = (v: m.Value) => weightedSquares(v, c);
    const p = prepareGradient(replay(f, { codegen }), tape(), x);
    for (let k = 0; k < 3; k++) {
      const at = x.map((xi) => xi + k);
      expectClose(
        p.gradient(at) as Float64Array,
        at.map((xi, i) => 2 * c[i]! * xi),
      );
    }
  });
});

describe('Hessian-vector products through element loops (forward over tape)', () => {
  test('Σ c_i x_i³ has H v = 6 c_i x_i v_i', () => {
    const n = 29;
    const x = pseudoRandom(n, 23);
    const c = pseudoRandom(n, 29);
    const v = pseudoRandom(n, 31);
    const f = (y: m.Value) => {
      let s: m.Value = 0;
      for (let i = 0; i < n; i++) {
        const g = m.get(y, i);
        s = m.add(s, m.mul(c[i]!, m.mul(g, m.square(g))));
      }
      return s;
    };
    for (const b of [secondOrder(forward(), tape()), secondOrder(forward({ codegen: false }), tape())]) {
      const [hv] = hvp(f, b, x, [v]) as Float64Array[];
      expectClose(
        hv!,
        x.map((xi, i) => 6 * c[i]! * xi * v[i]!),
      );
    }
  });

  test('a matrix read element by element: H v of Σ w_ij M_ij² is 2 w_ij v_ij', () => {
    const rows = 4;
    const cols = 6;
    const M = new NDArray(pseudoRandom(rows * cols, 37), [rows, cols]);
    const V = new NDArray(pseudoRandom(rows * cols, 41), [rows, cols]);
    const w = pseudoRandom(rows * cols, 43);
    const f = (A: m.Value) => {
      let s: m.Value = 0;
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) s = m.add(s, m.mul(w[i * cols + j]!, m.square(m.get(A, i, j))));
      }
      return s;
    };
    const [hv] = hvp(f, secondOrder(forward(), tape()), M, [V]) as NDArray[];
    expectClose(
      hv!.data,
      V.data.map((vk, k) => 2 * w[k]! * vk),
    );
  });
});
