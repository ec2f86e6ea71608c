/**
 * Compressed evaluation: sparse Jacobians and Hessians over every float64 engine equal dense
 * analytic references, with one evaluation per color; contexts, pytrees, in-place functions,
 * prepared calls, `…Into` and user-given patterns work as with the dense operators.
 */
import {
  type Backend,
  NDArray,
  SparseMatrix,
  buffer,
  cache,
  constant,
  derivative,
  gradient,
  hessian,
  hessianInto,
  inPlace,
  isDiffError,
  jacobian,
  prepareHessian,
  prepareJacobian,
  secondOrder,
  valueAndJacobian,
  valueGradientAndHessian,
} from '@diffint/core';
import type { Engine } from '@diffint/core';
import * as m from '@diffint/core/math';
import { finiteDiff } from '@diffint/finite-diff';
import { forward } from '@diffint/forward';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';
import { isColumnOrthogonal, isRowOrthogonal, isSymmetricallyOrthogonal, sparse } from '../src/index.js';
import {
  arrowhead,
  arrowheadJacobian,
  banded,
  bandedJacobian,
  dense,
  expectSparseClose,
  patternFrom,
  range,
  rosenbrock,
  rosenbrockHessian,
  rowsOf,
  stencil,
  stencilJacobian,
  tridiagonal,
  vec,
} from './support.js';

const engines: [string, () => Engine, number][] = [
  ['forward', () => forward(), 1e-13],
  ['tape', () => tape(), 1e-13],
  ['finiteDiff (central)', () => finiteDiff(), 1e-7],
];

const codeOf = (thunk: () => unknown) => {
  try {
    thunk();
  } catch (e) {
    return isDiffError(e) ? e.code : `not a DiffError: ${String(e)}`;
  }
  return 'no error';
};

describe.each(engines)('sparse Jacobians over %s', (_, make, rtol) => {
  test('banded: 3 colors, the analytic Jacobian', () => {
    const x = range(30, (i) => Math.sin(i));
    const p = prepareJacobian(banded, sparse(make()), x);
    expect(p.ncolors).toBe(3);
    expect(p.pattern.nnz).toBe(3 * 30 - 2);
    const partition = make().mode === 'reverse' ? isRowOrthogonal : isColumnOrthogonal;
    expect(partition(p.pattern, p.colors)).toBe(true);
    expectSparseClose(p.jacobian(x), bandedJacobian(x), rtol);
    // Prepared once, called at another point.
    const x2 = range(30, (i) => Math.cos(i));
    expectSparseClose(p.jacobian(x2), bandedJacobian(x2), rtol);
  });

  test('arrowhead, one-shot, with its value', () => {
    const x = range(8, (i) => i - 3.5);
    const [y, J] = valueAndJacobian(arrowhead, sparse(make()), x);
    expect(y).toBeInstanceOf(Float64Array);
    expect((y as Float64Array)[0]).toBeCloseTo(
      x.reduce((a, v) => a + v * v, 0),
      12,
    );
    expectSparseClose(J, arrowheadJacobian(x), rtol);
  });

  test('a five-point stencil through an enclosed buffer, which ends as one plain call leaves it', () => {
    const side = 6;
    const { f, out } = stencil(side);
    const x = range(side * side, (i) => Math.sin(i) / 2);
    expectSparseClose(jacobian(f, sparse(make()), x), stencilJacobian(side, x), rtol);
    const plain = stencil(side);
    plain.f(x);
    expect(out.read()).toEqual(plain.out.read());
  });

  test('constant and cache contexts; the constant read fresh on each call', () => {
    // y_i = c_i x_i² + x_{i+1} written through the cache
    const f = (x: m.Value, c: Float64Array, work: { set(i: number, v: m.Value): void; read(): m.Value }) => {
      const n = m.size(x);
      for (let i = 0; i < n; i++) {
        const next = i + 1 < n ? m.get(x, i + 1) : 0;
        work.set(i, m.add(m.mul(c[i]!, m.square(m.get(x, i))), next));
      }
      return work.read();
    };
    const x = vec(1, 2, 3, 4);
    const c = vec(1, 0, 2, 5);
    const p = prepareJacobian(f, sparse(make()), x, constant(c), cache(4));
    const ref = (c: Float64Array) =>
      dense(4, 4, (i, j) => (j === i ? 2 * c[i]! * x[i]! : j === i + 1 ? 1 : 0));
    expectSparseClose(p.jacobian(x, constant(c), cache(4)), ref(c), rtol);
    // A zero of the constant at preparation does not drop its entry from the (global) pattern.
    const c2 = vec(3, 7, 0, 1);
    expectSparseClose(p.jacobian(x, constant(c2), cache(4)), ref(c2), rtol);
  });

  test('an in-place function over a pytree', () => {
    // y₀ = a₀ b, y₁ = a₁², y₂ = b + a₀
    const f = inPlace((y: { set(i: number, v: m.Value): void }, p: { a: m.Value; b: m.Value }) => {
      y.set(0, m.mul(m.get(p.a, 0), p.b));
      y.set(1, m.square(m.get(p.a, 1)));
      y.set(2, m.add(p.b, m.get(p.a, 0)));
    }, 3);
    const x = { a: vec(2, 3), b: 5 };
    const J = jacobian(f, sparse(make()), x);
    expectSparseClose(
      J,
      NDArray.from([
        [5, 0, 2],
        [0, 6, 0],
        [1, 0, 1],
      ]),
      rtol,
    );
  });

  test('jacobianInto writes into an earlier result, which then equals a fresh one', () => {
    const x = range(10, (i) => i / 10);
    const p = prepareJacobian(banded, sparse(make()), x);
    const J = p.jacobian(x);
    const x2 = range(10, (i) => 1 - i / 10);
    expect(p.jacobianInto(J, x2)).toBe(J);
    expectSparseClose(J, bandedJacobian(x2), rtol);
  });

  test('a user-given pattern replaces detection (f may then branch on x)', () => {
    const f = (x: m.Value) => ((m.value(m.get(x, 0)) as number) > 0 ? m.square(x) : m.neg(x));
    const pattern = patternFrom([[0], [1], [2]], 3);
    const p = prepareJacobian(f, sparse(make(), { pattern }), vec(1, 2, 3));
    expect(p.ncolors).toBe(1);
    expectSparseClose(
      p.jacobian(vec(1, 2, 3)),
      dense(3, 3, (i, j) => (i === j ? 2 * (i + 1) : 0)),
      rtol,
    );
  });
});

describe('choices and errors', () => {
  test('partition: rows on a forward engine and columns on a reverse one work too', () => {
    const x = range(12, (i) => i / 3);
    for (const [b, partition] of [
      [forward(), 'row'],
      [tape(), 'column'],
    ] as const) {
      const p = prepareJacobian(banded, sparse(b, { coloring: { partition } }), x);
      expect((partition === 'row' ? isRowOrthogonal : isColumnOrthogonal)(p.pattern, p.colors)).toBe(true);
      expectSparseClose(p.jacobian(x), bandedJacobian(x), 1e-13);
    }
  });

  test('a single order can be asked for', () => {
    const p = prepareJacobian(
      banded,
      sparse(forward(), { coloring: { orders: ['natural'] } }),
      range(9, (i) => i),
    );
    expect(Array.from(p.colors)).toEqual([0, 1, 2, 0, 1, 2, 0, 1, 2]);
  });

  test('a pattern of the wrong size, a non-symmetric Hessian pattern, bad options and bad backends are refused', () => {
    const x = vec(1, 2, 3);
    expect(codeOf(() => jacobian(banded, sparse(forward(), { pattern: patternFrom([[0]], 1) }), x))).toBe(
      'DIFF_SHAPE_MISMATCH',
    );
    expect(
      codeOf(() => jacobian(banded, sparse(forward(), { pattern: patternFrom([[0], [1]], 3) }), x)),
    ).toBe('DIFF_SHAPE_MISMATCH');
    const skew = patternFrom([[1], [], []], 3);
    expect(codeOf(() => hessian(rosenbrock, sparse(tape(), { pattern: skew }), x))).toBe(
      'DIFF_INVALID_INPUT',
    );
    expect(codeOf(() => sparse(forward(), { coloring: { orders: ['random' as never] } }))).toBe(
      'DIFF_INVALID_INPUT',
    );
    expect(codeOf(() => sparse({} as never))).toBe('DIFF_INVALID_INPUT');
    expect(codeOf(() => sparse(sparse(forward()) as never))).toBe('DIFF_INVALID_INPUT');
  });

  test('an enclosed matrix that gains nonzeros after preparation: the pattern does not go stale', () => {
    // Detection never reads the values of enclosed arrays, so D x counts D as dense.
    const D = new NDArray(Float64Array.of(1, 0, 0, 2), [2, 2]);
    const f = (x: m.Value) => m.matvec(D, x);
    const p = prepareJacobian(f, sparse(forward()), vec(1, 1));
    expect(p.pattern.nnz).toBe(4);
    D.data.set([1, 5, 6, 2]);
    expectSparseClose(
      p.jacobian(vec(1, 1)),
      NDArray.from([
        [1, 5],
        [6, 2],
      ]),
      1e-15,
    );
  });

  test('an empty pattern needs no color and gives the value', () => {
    const [y, J] = valueAndJacobian((x: m.Value) => m.greater(x, 0), sparse(forward()), vec(-1, 1));
    expect(Array.from(y as Float64Array)).toEqual([0, 1]);
    expect(J.nnz).toBe(0);
    expect(J.shape).toEqual([2, 2]);
  });

  test('other operators run on the inner backend', () => {
    const g = gradient(rosenbrock, sparse(tape()) as never, vec(1, 2)) as Float64Array;
    expect(Array.from(g)).toEqual([-400 * (2 - 1) * 1, 200 * (2 - 1)]);
  });

  test('inside another differentiation, a sparse Jacobian is refused (it holds plain numbers)', () => {
    const outer = (p: m.Value) =>
      m.sum(jacobian((x: m.Value) => m.mul(x, p), sparse(forward()), vec(1, 2)).values as unknown as m.Value);
    expect(codeOf(() => gradient(outer, tape(), 2))).toBe('DIFF_NESTING');
  });
});

const hessianBackends: [string, () => Backend, number][] = [
  ['forward over tape', () => secondOrder(forward(), tape()), 1e-12],
  ['tape over tape', () => tape(), 1e-12],
  ['forward over forward', () => forward(), 1e-12],
  ['finiteDiff over tape', () => secondOrder(finiteDiff(), tape()), 1e-6],
];

describe.each(hessianBackends)('sparse Hessians over %s', (_, make, rtol) => {
  test('chained Rosenbrock: tridiagonal, 3 star colors, the analytic Hessian, value and gradient', () => {
    const n = 40;
    const x = range(n, (i) => Math.cos(i) + 0.5);
    const p = prepareHessian(rosenbrock, sparse(make()), x);
    expect(rowsOf(p.pattern)).toEqual(tridiagonal(n));
    expect(p.ncolors).toBe(3);
    expect(isSymmetricallyOrthogonal(p.pattern, p.colors)).toBe(true);
    const [y, g, H] = p.valueGradientAndHessian(x);
    expectSparseClose(H, rosenbrockHessian(x), rtol);
    let ref = 0;
    for (let i = 0; i < n - 1; i++) ref += (1 - x[i]!) ** 2 + 100 * (x[i + 1]! - x[i]! ** 2) ** 2;
    expect(y).toBeCloseTo(ref, 8);
    const dg = (i: number) =>
      (i < n - 1 ? -2 * (1 - x[i]!) - 400 * x[i]! * (x[i + 1]! - x[i]! ** 2) : 0) +
      (i > 0 ? 200 * (x[i]! - x[i - 1]! ** 2) : 0);
    (g as Float64Array).forEach((v, i) => expect(v).toBeCloseTo(dg(i), 6));
  });

  test('arrowhead Hessian with 2 star colors; hessianInto', () => {
    // f = x₀ Σ_{i≥1} x_i² + x₀³: H₀₀ = 6 x₀, H₀ᵢ = 2 x_i, Hᵢᵢ = 2 x₀
    const f = (x: m.Value) => {
      const n = m.size(x);
      const x0 = m.get(x, 0);
      return m.add(m.mul(x0, m.sum(m.square(m.slice(x, 1, n)))), m.pow(x0, 3));
    };
    const x = range(9, (i) => i + 1);
    const ref = (x: Float64Array) =>
      dense(9, 9, (i, j) =>
        i === 0 && j === 0 ? 6 * x[0]! : i === 0 ? 2 * x[j]! : j === 0 ? 2 * x[i]! : i === j ? 2 * x[0]! : 0,
      );
    const p = prepareHessian(f, sparse(make()), x);
    expect(p.ncolors).toBe(2);
    const H = p.hessian(x);
    expectSparseClose(H, ref(x), rtol);
    const x2 = range(9, (i) => 2 - i);
    expect(hessianInto(H, f, sparse(make()), x2)).toBe(H);
    expectSparseClose(H, ref(x2), rtol);
  });
});

test('valueGradientAndHessian one-shot, and a closure over a buffer', () => {
  const acc = buffer(1);
  // f = (Σ x_i²)² accumulated in a buffer: H = 8 x xᵀ + 4 Σx² I (dense)
  const f = (x: m.Value) => {
    acc.set(0, 0);
    for (let i = 0; i < m.size(x); i++) acc.set(0, m.add(acc.get(0), m.square(m.get(x, i))));
    return m.square(acc.get(0));
  };
  const x = vec(1, 2, 3);
  const [y, , H] = valueGradientAndHessian(f, sparse(secondOrder(forward(), tape())), x);
  expect(y).toBe(196);
  expectSparseClose(
    H,
    dense(3, 3, (i, j) => 8 * x[i]! * x[j]! + (i === j ? 56 : 0)),
    1e-13,
  );
  expect(acc.get(0)).toBe(14);
  expect(H).toBeInstanceOf(SparseMatrix);
});

describe('inside an outer differentiation', () => {
  test('a sparse Jacobian that would hold traced values is refused with a NestingError naming the dense way', () => {
    const f = (p: m.Value) => {
      const J = jacobian((x: m.Value) => m.mul(p, m.square(x)), sparse(forward()), Float64Array.of(1, 2));
      return m.sum(J.values);
    };
    let error: unknown;
    try {
      derivative(f, forward(), 2);
    } catch (e) {
      error = e;
    }
    expect(isDiffError(error) && error.code).toBe('DIFF_NESTING');
    expect((error as Error).message).toMatch(/sparse backend cannot run inside a forward differentiation/);
    expect((error as Error).message).toMatch(
      /jacobian\(f, forward\(\), x\) instead of jacobian\(f, sparse\(forward\(\)\), x\)/,
    );
    // and the dense way works: d/dp Σ diag(2p x) = 2 Σ x = 6
    const dense = (p: m.Value) =>
      m.sum(jacobian((x: m.Value) => m.mul(p, m.square(x)), forward(), Float64Array.of(1, 2)) as m.Value);
    expect(derivative(dense, forward(), 2)).toBe(6);
  });
});
