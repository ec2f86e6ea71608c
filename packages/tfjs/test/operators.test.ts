import {
  NDArray,
  derivative,
  gradient,
  hvp,
  inPlace,
  jacobian,
  prepareJacobian,
  preparePullback,
  preparePushforward,
  pullback,
  pushforward,
  valueAndDerivative,
  valueAndJacobian,
  valueAndPushforward,
  type Buffer,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { beforeAll, describe, expect, test } from 'vitest';
import { tfjs } from '../src/index.js';
import { backends, useBackend } from './backends.js';

const closeArray = (actual: ArrayLike<number>, expected: ArrayLike<number>, rel = 1e-5) => {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(
      rel * Math.max(1, Math.abs(expected[i]!)),
    );
  }
};

// F(x) = [x0 x1, sin x1 + x2², exp(x0) x2]: a vector function with a known Jacobian
const F = (x: m.Value) =>
  m.stack([
    m.mul(m.get(x, 0), m.get(x, 1)),
    m.add(m.sin(m.get(x, 1)), m.square(m.get(x, 2))),
    m.mul(m.exp(m.get(x, 0)), m.get(x, 2)),
  ]);
const Fplain = ([a, b, c]: number[]) => [a! * b!, Math.sin(b!) + c! * c!, Math.exp(a!) * c!];
const Jplain = ([a, b, c]: number[]) => [
  [b!, a!, 0],
  [0, Math.cos(b!), 2 * c!],
  [Math.exp(a!) * c!, 0, Math.exp(a!)],
];
const x = Float64Array.of(0.3, -1.1, 0.7);
const J = Jplain(Array.from(x));
const matvec = (M: number[][], v: ArrayLike<number>) =>
  M.map((row) => row.reduce((s, e, j) => s + e * v[j]!, 0));
const vecmat = (c: ArrayLike<number>, M: number[][]) =>
  M[0]!.map((_, j) => M.reduce((s, row, i) => s + c[i]! * row[j]!, 0));

describe.each(backends)('operators, %s backend', (name) => {
  beforeAll(() => useBackend(name));

  test('jacobian and valueAndJacobian, unprepared and prepared (row by row, by pullbacks)', () => {
    const [y, Jt] = valueAndJacobian(F, tfjs(), x);
    closeArray(y as Float64Array, Fplain(Array.from(x)));
    expect(Jt.shape).toEqual([3, 3]);
    closeArray(Jt.data, J.flat());
    const prep = prepareJacobian(F, tfjs(), x);
    for (const x2 of [x, Float64Array.of(1, 2, -0.5)])
      closeArray(prep.jacobian(x2).data, Jplain(Array.from(x2)).flat());
  });

  test('pushforward of a batch of tangents (double-VJP), unprepared and prepared', () => {
    const ts = [Float64Array.of(1, 0, 0), Float64Array.of(0.5, -2, 1.5)];
    const [y, jts] = valueAndPushforward(F, tfjs(), x, ts);
    closeArray(y as Float64Array, Fplain(Array.from(x)));
    ts.forEach((t, k) => closeArray(jts[k] as Float64Array, matvec(J, t)));
    const prep = preparePushforward(F, tfjs(), x, ts);
    for (let rep = 0; rep < 2; rep++) {
      prep.pushforward(x, ts).forEach((jt, k) => closeArray(jt as Float64Array, matvec(J, ts[k]!)));
    }
    expect(pushforward(F, tfjs(), x, [])).toEqual([]);
  });

  test('pullback of a batch of cotangents, unprepared and prepared', () => {
    const cs = [Float64Array.of(1, 0, 0), Float64Array.of(-1, 0.5, 2), Float64Array.of(0, 0, 1)];
    pullback(F, tfjs(), x, cs).forEach((g, k) => closeArray(g, vecmat(cs[k]!, J)));
    const prep = preparePullback(F, tfjs(), x, cs);
    for (let rep = 0; rep < 2; rep++)
      prep.pullback(x, cs).forEach((g, k) => closeArray(g, vecmat(cs[k]!, J)));
  });

  test('a pullback of a matrix output takes matrix cotangents', () => {
    const A = NDArray.from([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const f = (W: m.Value) => m.matmul(A, W); // [3, 2] × [2, 2]
    const W = NDArray.from([
      [0.5, -1],
      [2, 0.25],
    ]);
    const C = NDArray.from([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    // ∂⟨C, A W⟩/∂W = Aᵀ C
    const [g] = pullback(f, tfjs(), W, [C]);
    expect(g!.shape).toEqual([2, 2]);
    closeArray(g!.data, [1 + 5, 3 + 5, 2 + 6, 4 + 6]);
  });

  test('derivative of a scalar and of a vector output', () => {
    const [v, d] = valueAndDerivative((t: m.Value) => m.mul(m.sin(t), m.exp(t)), tfjs(), 0.4);
    closeArray(
      [v as number, d as number],
      [Math.sin(0.4) * Math.exp(0.4), (Math.cos(0.4) + Math.sin(0.4)) * Math.exp(0.4)],
    );
    const dv = derivative((t: m.Value) => m.mul(Float64Array.of(1, 2, 3), m.square(t)), tfjs(), 1.5);
    closeArray(dv as Float64Array, [3, 6, 9]);
  });

  test('an empty input: every derivative is empty', () => {
    const none = new Float64Array(0);
    const f = (x: m.Value) => m.add(m.sum(m.square(x)), 1);
    expect(gradient(f, tfjs(), none)).toEqual(none);
    expect(pushforward(f, tfjs(), none, [none])).toEqual([0]);
    expect(hvp(f, tfjs(), none, [none])).toEqual([none]);
    expect(jacobian((x: m.Value) => m.mul(x, 2), tfjs(), none).shape).toEqual([0, 0]);
  });

  test('value() reads a primal for control flow inside f', () => {
    const f = (t: m.Value) => ((m.value(t) as number) > 0 ? m.square(t) : m.neg(t));
    expect(derivative(f, tfjs(), 2)).toBe(4);
    expect(derivative(f, tfjs(), -2)).toBe(-1);
  });

  test('an in-place f(y, x) writing its output into a buffer', () => {
    const f = (y: Buffer, x: m.Value) => {
      y.set(0, m.mul(m.get(x, 0), m.get(x, 1)));
      y.set(1, m.square(m.get(x, 0)));
    };
    const Jy = jacobian(inPlace(f, new Float64Array(2)), tfjs(), Float64Array.of(3, 4));
    expect(Array.from(Jy.data)).toEqual([4, 3, 6, 0]);
  });
});
