/**
 * Sparsity detection through custom calls: a customRule whose f is portable math is traced
 * through (the exact pattern); a black box counts every output as depending on every input of
 * the call, never fewer. The values then come from the rules.
 */
import { customRule, differentiateWith, jacobian, prepareHessian, prepareJacobian } from '@diffint/core';
import * as m from '@diffint/core/math';
import { finiteDiff } from '@diffint/finite-diff';
import { forward } from '@diffint/forward';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';
import { sparse } from '../src/index.js';
import { rowsOf } from './support.js';

/** Elementwise x² with its own rules: a diagonal Jacobian. */
const squares = customRule((x: m.Value) => m.square(x), {
  name: 'squares',
  jvp: ([x], [t]) => [m.square(x), m.mul(m.mul(2, x), t)],
  vjp: ([x], ct) => [m.mul(m.mul(2, x), ct)],
});
/** The same as a black box of plain JS. */
const blackSquares = differentiateWith((x: Float64Array) => x.map((v) => v * v), finiteDiff());

const x = Float64Array.of(1, 2, 3, 4);
/** Element 0 and 1 through the call, 2 and 3 outside it. */
const f = (call: (v: m.Value) => m.Value) => (x: m.Value) =>
  m.concat([call(m.slice(x, 0, 2)), m.mul(m.slice(x, 2, 4), 3)]);

describe('sparsity detection of custom calls', () => {
  test('a portable-math f is traced through: the exact pattern', () => {
    const prep = prepareJacobian(f(squares), sparse(forward()), x);
    expect(rowsOf(prep.pattern)).toEqual([[0], [1], [2], [3]]);
    expect(Array.from(prep.jacobian(x).toDense().data)).toEqual([
      2, 0, 0, 0, 0, 4, 0, 0, 0, 0, 3, 0, 0, 0, 0, 3,
    ]);
  });

  test('a black box: its outputs depend on all of its inputs (never fewer), the rest stays exact', () => {
    const prep = prepareJacobian(f(blackSquares), sparse(tape()), x);
    expect(rowsOf(prep.pattern)).toEqual([[0, 1], [0, 1], [2], [3]]);
    const dense = jacobian(f(blackSquares), tape(), x).data;
    const sparseDense = prep.jacobian(x).toDense().data;
    sparseDense.forEach((v, k) => expect(v).toBeCloseTo(dense[k]!, 6));
  });

  test('a Hessian pattern: every pair of the black box interacts, the traced f is exact', () => {
    const g = (call: (v: m.Value) => m.Value) => (x: m.Value) => m.sum(f(call)(x));
    expect(rowsOf(prepareHessian(g(squares), sparse(tape()), x).pattern)).toEqual([[0], [1], [], []]);
    expect(rowsOf(prepareHessian(g(blackSquares), sparse(tape()), x).pattern)).toEqual([
      [0, 1],
      [0, 1],
      [],
      [],
    ]);
  });
});
