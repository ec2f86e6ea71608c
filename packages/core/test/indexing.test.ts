/**
 * Gathering and scattering rows: `take(v, indices)` and `scatterAdd(target, indices, updates)`
 * on plain values (repeats, negative indices, broadcasting of updates, nothing mutated), their
 * argument checks, and their derivatives on every float64 engine against hand-written ones.
 */
import {
  type Backend,
  InvalidInputError,
  NDArray,
  ShapeMismatchError,
  gradient,
  hessian,
  jacobian,
  secondOrder,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { forward } from '@diffint/forward';
import { tape } from '@diffint/tape';
import { describe, expect, it } from 'vitest';
import { dual } from './support/dual.js';

const vec = (...v: number[]) => Float64Array.from(v);
const rows = (r: number[][]) => NDArray.from(r);

const engines: [string, () => Backend][] = [
  ['tape', () => tape()],
  ['tape (interpreted)', () => tape({ codegen: false })],
  ['forward', () => forward()],
  ['dual', () => dual()],
];
const secondOrders: [string, () => Backend][] = [
  ['forward-over-tape', () => secondOrder(forward(), tape())],
  ['tape-over-tape', () => tape()],
  ['forward-over-forward', () => forward()],
];

describe('take on plain values', () => {
  it('gathers elements of a vector, with repeats and negative indices', () => {
    expect(m.take(vec(10, 20, 30, 40), [3, 0, -1, 1, 1])).toEqual(vec(40, 10, 40, 20, 20));
    expect(m.take(vec(10, 20, 30), Int32Array.of(2))).toEqual(vec(30));
    expect(m.take(vec(10, 20, 30), [])).toEqual(vec());
  });

  it('gathers rows of a matrix', () => {
    const y = m.take(
      rows([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
      [2, 0, 2],
    ) as NDArray;
    expect(y.shape).toEqual([3, 2]);
    expect(Array.from(y.data)).toEqual([5, 6, 1, 2, 5, 6]);
  });

  it('propagates NaN and infinities', () => {
    expect(m.take(vec(Number.NaN, Number.POSITIVE_INFINITY), [1, 0])).toEqual(
      vec(Number.POSITIVE_INFINITY, Number.NaN),
    );
  });

  it('keeps the indices it was given: changing the array afterwards changes nothing', () => {
    const idx = [0, 1];
    const x = vec(1, 2, 3);
    const g = gradient(
      (x: m.Value) => {
        const y = m.take(x, idx);
        idx[0] = 2;
        return m.sum(m.mul(y, vec(5, 7)));
      },
      tape(),
      x,
    );
    idx[0] = 0;
    expect(g).toEqual(vec(5, 7, 0));
  });
});

describe('scatterAdd on plain values', () => {
  it('adds updates at their rows; repeated indices accumulate; the target is not written', () => {
    const target = vec(1, 1, 1, 1);
    expect(m.scatterAdd(target, [1, 3, 1, -1], vec(10, 20, 30, 40))).toEqual(vec(1, 41, 1, 61));
    expect(target).toEqual(vec(1, 1, 1, 1));
  });

  it('adds rows of a matrix, and broadcasts updates to the rows', () => {
    const target = rows([
      [0, 0],
      [1, 1],
    ]);
    const y = m.scatterAdd(target, [1, 1], vec(2, 3)) as NDArray;
    expect(Array.from(y.data)).toEqual([0, 0, 5, 7]);
    expect(Array.from((m.scatterAdd(target, [0], 9) as NDArray).data)).toEqual([9, 9, 1, 1]);
    expect(Array.from(target.data)).toEqual([0, 0, 1, 1]);
  });

  it('with no indices is the target itself', () => {
    expect(m.scatterAdd(vec(1, 2), [], vec())).toEqual(vec(1, 2));
  });
});

describe('argument checks', () => {
  const bad: [string, () => unknown, RegExp][] = [
    [
      'an index out of range',
      () => m.take(vec(1, 2), [2]),
      /take: indices\[0\] is 2, out of range .* length 2/,
    ],
    ['a negative index too far', () => m.take(vec(1, 2), [0, -3]), /indices\[1\] is -3/],
    ['a fractional index', () => m.take(vec(1, 2), [0.5]), /take: indices\[0\] must be an integer/],
    ['a string index', () => m.take(vec(1, 2), ['1' as never]), /must be an integer, got a string/],
    [
      'a Float64Array of indices',
      () => m.take(vec(1, 2), vec(0) as never),
      /Int32Array or an array of integers/,
    ],
    ['a scalar to index', () => m.take(3, [0]), /take: cannot index a scalar/],
    ['a number[] as v', () => m.take([1, 2] as never, [0]), /take: argument v is an Array/],
    ['a scatter out of range', () => m.scatterAdd(vec(1, 2), [5], 1), /scatterAdd: indices\[0\] is 5/],
    ['a scalar target', () => m.scatterAdd(1, [0], 1), /scatterAdd: cannot index a scalar/],
  ];
  it.each(bad)('%s is an InvalidInputError naming the op and the argument', (_, call, message) => {
    expect(call).toThrow(InvalidInputError);
    expect(call).toThrow(message);
  });

  it('updates that do not fit the rows are a ShapeMismatchError', () => {
    expect(() => m.scatterAdd(vec(1, 2, 3), [0, 1], vec(1, 2, 3))).toThrow(ShapeMismatchError);
    expect(() => m.scatterAdd(vec(1, 2, 3), [0, 1], vec(1, 2, 3))).toThrow(/scatterAdd/);
  });
});

// f(x) = Σₖ wₖ · x[idx[k]]² + Σ (scatterAdd(x, idx2, x[idx3]) · c)
const idx = [3, 0, 3, 1];
const w = vec(1, 2, 3, 4);
const idx2 = [2, 2, 0];
const idx3 = [1, 4, 1];
const c = vec(1, -2, 3, 0.5, 2);
const f = (x: m.Value) =>
  m.add(m.sum(m.mul(w, m.square(m.take(x, idx)))), m.sum(m.mul(m.scatterAdd(x, idx2, m.take(x, idx3)), c)));
const x0 = vec(0.3, -1.2, 0.7, 2.1, -0.4);

/** The gradient of f, written out by hand. */
function gradientByHand(x: Float64Array): Float64Array {
  const g = new Float64Array(x.length);
  idx.forEach((i, k) => {
    g[i] = g[i]! + 2 * w[k]! * x[i]!;
  });
  for (let i = 0; i < x.length; i++) g[i] = g[i]! + c[i]!;
  idx3.forEach((j, k) => {
    g[j] = g[j]! + c[idx2[k]!]!;
  });
  return g;
}

/** The Hessian of f: diagonal, 2·Σ wₖ over the k that take each element. */
function hessianByHand(n: number): number[] {
  const h = new Array<number>(n * n).fill(0);
  idx.forEach((i, k) => {
    h[i * n + i] = h[i * n + i]! + 2 * w[k]!;
  });
  return h;
}

describe.each(engines)('derivatives on %s', (_, engine) => {
  it('gradient through take and scatterAdd', () => {
    expect(gradient(f, engine(), x0)).toEqual(gradientByHand(x0));
  });

  it('Jacobian of take is a selection matrix; of scatterAdd in the updates, its transpose', () => {
    const J = jacobian((x: m.Value) => m.take(x, [2, 0, 2]), engine(), vec(1, 2, 3));
    expect(Array.from(J.data)).toEqual([0, 0, 1, 1, 0, 0, 0, 0, 1]);
    const K = jacobian((u: m.Value) => m.scatterAdd(vec(0, 0, 0), [2, 0, 2], u), engine(), vec(1, 2, 3));
    expect(Array.from(K.data)).toEqual([0, 1, 0, 0, 0, 0, 1, 0, 1]);
  });
});

describe.each(secondOrders)('second order on %s', (_, engine) => {
  it('Hessian through take and scatterAdd', () => {
    expect(Array.from(hessian(f, engine(), x0).data)).toEqual(hessianByHand(x0.length));
  });
});
