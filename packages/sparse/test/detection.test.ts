/**
 * Sparsity detection: detected patterns equal analytic ones exactly, are global (valid for
 * every x: `where` takes both branches, comparisons have no derivative), follow buffers and
 * caches, and leave f's enclosed state as it was; what detection cannot follow is a typed error.
 */
import { buffer, cache, constant, isDiffError, prepareHessian, prepareJacobian } from '@diffint/core';
import { type Primitive, bind } from '@diffint/core/engine';
import * as m from '@diffint/core/math';
import { forward } from '@diffint/forward';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';
import { sparse } from '../src/index.js';
import {
  arrowhead,
  arrowheadPattern,
  banded,
  bandedPattern,
  range,
  rosenbrock,
  rowsOf,
  rowsWhere,
  stencil,
  stencilPattern,
  tridiagonal,
  vec,
} from './support.js';

const jacobianRows = (f: (x: m.Value, ...c: never[]) => unknown, x: Float64Array, ...contexts: never[]) =>
  rowsOf(prepareJacobian(f as never, sparse(forward()), x, ...contexts).pattern);
const hessianRows = (f: (x: m.Value) => m.Value, x: Float64Array) =>
  rowsOf(prepareHessian(f, sparse(secondOrderPair()), x).pattern);
const secondOrderPair = () => tape();

const codeAndMessage = (thunk: () => unknown) => {
  try {
    thunk();
  } catch (e) {
    return isDiffError(e) ? `${e.code}: ${e.message}` : `not a DiffError: ${String(e)}`;
  }
  return 'no error';
};

describe('Jacobian patterns equal the analytic ones', () => {
  test.each([5, 12])('banded, n = %i', (n) => {
    expect(
      jacobianRows(
        banded,
        range(n, (i) => i),
      ),
    ).toEqual(bandedPattern(n));
  });

  test('arrowhead', () => {
    expect(
      jacobianRows(
        arrowhead,
        range(7, (i) => i + 1),
      ),
    ).toEqual(arrowheadPattern(7));
  });

  test('a five-point stencil written element by element into an enclosed buffer', () => {
    const { f } = stencil(5);
    expect(
      jacobianRows(
        f,
        range(25, (i) => i / 25),
      ),
    ).toEqual(stencilPattern(5));
  });

  test('block-diagonal: matmul of traced blocks with constant blocks', () => {
    // y = [A x₀; B x₁] with dense constant blocks: each block of rows depends on its own inputs.
    const A = m.reshape(
      range(6, (i) => i + 1),
      [3, 2],
    );
    const B = m.reshape(
      range(6, (i) => 6 - i),
      [2, 3],
    );
    const f = (x: m.Value) => m.concat([m.matvec(A, m.slice(x, 0, 2)), m.matvec(B, m.slice(x, 2, 5))]);
    expect(
      jacobianRows(
        f,
        range(5, (i) => i),
      ),
    ).toEqual([
      [0, 1],
      [0, 1],
      [0, 1],
      [2, 3, 4],
      [2, 3, 4],
    ]);
  });

  test('where takes both branches (the pattern holds for every x); the condition has no derivative', () => {
    const f = (x: m.Value) => {
      const [a, b, c] = [m.get(x, 0), m.get(x, 1), m.get(x, 2)];
      return m.stack([m.where(m.greater(a, 0), b, c), m.where(m.less(c, 0), 1, a), m.sign(b)]);
    };
    expect(jacobianRows(f, vec(1, 2, 3))).toEqual([[1, 2], [0], []]);
  });

  test('comparisons and constant outputs have empty rows', () => {
    const f = (x: m.Value) => m.concat([m.greater(x, 1), m.equal(x, x), vec(1, 2)]);
    expect(jacobianRows(f, vec(0, 1))).toEqual([[], [], [], [], [], []]);
  });

  test('sums, broadcasts, reshapes and transposes', () => {
    // X = reshape(x, [2, 3]); y = [sum(X, 0); sum(X, 1); transpose(X) * 2 broadcast]
    const f = (x: m.Value) => {
      const X = m.reshape(x, [2, 3]);
      const T = m.reshape(m.transpose(X), [6]);
      return m.concat([m.sum(X, 0), m.sum(X, 1), m.mul(T, m.broadcastTo(2, [6])), m.reshape(m.sum(x), [1])]);
    };
    expect(
      jacobianRows(
        f,
        range(6, (i) => i),
      ),
    ).toEqual([
      [0, 3],
      [1, 4],
      [2, 5],
      [0, 1, 2],
      [3, 4, 5],
      [0],
      [3],
      [1],
      [4],
      [2],
      [5],
      [0, 1, 2, 3, 4, 5],
    ]);
  });

  test('max along an axis reads its group, cumsum the elements up to its own, prod and norms everything', () => {
    // X = reshape(x, [2, 3]): y = [max(X, 1); cumsum(X, 1); prod(X, 0); norm of the first row]
    const f = (x: m.Value) => {
      const X = m.reshape(x, [2, 3]);
      return m.concat([
        m.max(X, 1),
        m.reshape(m.cumsum(X, 1), [6]),
        m.prod(X, 0),
        m.reshape(m.norm(m.get(X, 0)), [1]),
      ]);
    };
    expect(
      jacobianRows(
        f,
        range(6, (i) => i + 1),
      ),
    ).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [0],
      [0, 1],
      [0, 1, 2],
      [3],
      [3, 4],
      [3, 4, 5],
      [0, 3],
      [1, 4],
      [2, 5],
      [0, 1, 2],
    ]);
  });

  test('a product of two traced matrices', () => {
    // Y = X Xᵀ with X = reshape(x, [2, 2]): Y[i][j] depends on rows i and j of X.
    const f = (x: m.Value) => {
      const X = m.reshape(x, [2, 2]);
      return m.reshape(m.matmul(X, m.transpose(X)), [4]);
    };
    expect(jacobianRows(f, vec(1, 2, 3, 4))).toEqual([
      [0, 1],
      [0, 1, 2, 3],
      [0, 1, 2, 3],
      [2, 3],
    ]);
  });

  test('pytrees: columns follow the flattened x', () => {
    const f = (p: { a: m.Value; b: m.Value }) => m.mul(p.a, m.get(p.b, 1));
    const p = prepareJacobian(f, sparse(forward()), { a: vec(1, 2), b: vec(3, 4, 5) });
    expect(rowsOf(p.pattern)).toEqual([
      [0, 3],
      [1, 3],
    ]);
  });

  test('a cache context and a constant context', () => {
    const f = (x: m.Value, c: m.Value, work: { set(i: number, v: m.Value): void; read(): m.Value }) => {
      work.set(0, m.mul(m.get(x, 0), m.get(c, 0)));
      work.set(1, m.add(m.get(x, 2), m.get(x, 1)));
      return work.read();
    };
    const p = prepareJacobian(f, sparse(forward()), vec(1, 2, 3), constant(vec(5)), cache(2));
    expect(rowsOf(p.pattern)).toEqual([[0], [1, 2]]);
  });
});

describe('Hessian patterns equal the analytic ones', () => {
  test('chained Rosenbrock: tridiagonal', () => {
    expect(
      hessianRows(
        rosenbrock,
        range(9, (i) => i / 9),
      ),
    ).toEqual(tridiagonal(9));
  });

  test('linear functions have none; products interact across, not within, their factors', () => {
    expect(hessianRows((x) => m.sum(m.mul(x, 3)), vec(1, 2, 3))).toEqual([[], [], []]);
    const f = (x: m.Value) => m.mul(m.add(m.get(x, 0), m.get(x, 1)), m.get(x, 2));
    expect(hessianRows(f, vec(1, 2, 3))).toEqual([[2], [2], [0, 1]]);
  });

  test('nonlinear unary ops square their dependencies; piecewise-linear ones add none', () => {
    const f = (x: m.Value) =>
      m.add(
        m.exp(m.add(m.get(x, 0), m.get(x, 1))),
        m.add(m.abs(m.get(x, 2)), m.maximum(m.get(x, 3), m.get(x, 2))),
      );
    expect(hessianRows(f, vec(1, 2, 3, 4))).toEqual([[0, 1], [0, 1], [], []]);
  });

  test('max and cumsum add no second derivative; logsumexp and the 2-norm interact their elements', () => {
    expect(hessianRows((x) => m.add(m.max(x), m.sum(m.cumsum(x))), vec(1, 2, 3))).toEqual([[], [], []]);
    const f = (x: m.Value) => m.add(m.logsumexp(m.slice(x, 0, 2)), m.norm(m.slice(x, 2, 4)));
    expect(hessianRows(f, vec(1, 2, 3, 4))).toEqual([
      [0, 1],
      [0, 1],
      [2, 3],
      [2, 3],
    ]);
  });

  test('division is nonlinear in its denominator only', () => {
    const f = (x: m.Value) => m.div(m.get(x, 0), m.get(x, 1));
    expect(hessianRows(f, vec(1, 2))).toEqual([[1], [0, 1]]);
  });

  test('where joins both branches; a matmul of traced factors interacts them', () => {
    const f = (x: m.Value) =>
      m.where(m.greater(m.get(x, 0), 0), m.square(m.get(x, 1)), m.mul(m.get(x, 0), m.get(x, 2)));
    expect(hessianRows(f, vec(1, 2, 3))).toEqual([[2], [1], [0]]);
    const g = (x: m.Value) =>
      m.sum(m.matmul(m.reshape(m.slice(x, 0, 2), [1, 2]), m.reshape(m.slice(x, 2, 4), [2, 1])));
    expect(hessianRows(g, vec(1, 2, 3, 4))).toEqual([[2], [3], [0], [1]]);
  });
});

describe('enclosed state', () => {
  test('the seed case: a closure over a mutated buffer is detected, and detection leaves it as it was', () => {
    // a = 1; a += x₀ x₁; y = [a², x₂]
    const a = buffer(1);
    a.fill(7);
    const f = (x: m.Value) => {
      a.set(0, 1);
      a.set(0, m.add(a.get(0), m.mul(m.get(x, 0), m.get(x, 1))));
      return m.stack([m.square(a.get(0)), m.get(x, 2)]);
    };
    const p = prepareJacobian(f, sparse(forward()), vec(1, 2, 3));
    expect(rowsOf(p.pattern)).toEqual([[0, 1], [2]]);
    expect(a.get(0)).toBe(7);
  });

  test('a buffer read before it is written is differentiated at its state, and detection does not advance it', () => {
    const state = buffer(vec(1, 2));
    const f = (x: m.Value) => {
      const y = m.mul(x, state.read());
      state.assign(m.add(state.read(), 1));
      return y;
    };
    const before = state.read();
    const p = prepareJacobian(f, sparse(forward()), vec(3, 4));
    expect(state.read()).toEqual(before);
    expect(p.ncolors).toBe(1);
  });
});

describe('what detection cannot follow is a typed error', () => {
  test('value() of a traced value: a global pattern cannot branch on x', () => {
    const f = (x: m.Value) => ((m.value(m.get(x, 0)) as number) > 0 ? m.square(x) : x);
    expect(codeAndMessage(() => prepareJacobian(f, sparse(forward()), vec(1, 2)))).toMatch(
      /DIFF_UNSUPPORTED_OPERATOR: .*sparsity detection.*value\(\).*m\.where.*pattern/,
    );
  });

  test('a primitive without a sparsity rule is named', () => {
    const fake = {
      name: 'fakeOp',
      impl: (args: readonly unknown[]) => args[0],
      shape: (shapes: readonly (readonly number[])[]) => shapes[0],
    } as unknown as Primitive;
    const f = (x: m.Value) => bind(fake, [x], {} as never);
    expect(codeAndMessage(() => prepareJacobian(f, sparse(forward()), vec(1, 2)))).toMatch(
      /DIFF_UNSUPPORTED_OPERATOR: .*'fakeOp'.*no sparsity rule.*pattern/,
    );
  });

  test('a Hessian of a non-scalar f', () => {
    expect(
      codeAndMessage(() => prepareHessian((x: m.Value) => m.square(x), sparse(tape()), vec(1, 2))),
    ).toMatch(/DIFF_NON_SCALAR_OUTPUT/);
  });
});

test('rowsWhere agrees with a hand-written pattern (the helper the references use)', () => {
  expect(rowsWhere(3, 3, (i, j) => Math.abs(i - j) <= 1)).toEqual([
    [0, 1],
    [0, 1, 2],
    [1, 2],
  ]);
});
