/**
 * The correctness contract, one line at a time: every way a value of f can reach the derivative
 * is followed or refused with a typed error. Each scenario is a way user code has reached a
 * silently wrong number: a traced value used as an array, plain arrays refilled between ops, a
 * black box that memoises by reference, a 0-d NDArray where a scalar goes, bad arguments to the
 * math and the contexts, and a traced value printed while debugging.
 */
import { inspect } from 'node:util';
import { ErrorCode, NDArray, buffer, cache, constant, gradient } from '@diffint/core';
import * as m from '@diffint/core/math';
import { type Expectation, type Scenario, nested } from '../types.js';
import { matrix, matvec, scenariosFrom } from './derive.js';

const family = 'contract';
const v = (...xs: number[]) => Float64Array.from(xs);

// ---- traced values used as array-likes or iterables: refused, or plain JS on plain values ----

const refused: Expectation = { default: { throws: ErrorCode.TracedValue }, runsOnPlainValues: 'reference' };
const invalid: Expectation = { default: { throws: ErrorCode.InvalidInput } };
const xs = v(0.5, -1, 2);
/** Σ xᵢ², whatever way it was computed: ∇ = 2x. */
const sumOfSquares = {
  x: xs,
  value: 0.25 + 1 + 4,
  jacobian: matrix(1, 3, (_, j) => 2 * xs[j]!),
};
const squares = (parts: readonly m.Value[]) => parts.reduce<m.Value>((s, p) => m.add(s, m.square(p)), 0);
const plain = new Float64Array(3);

/** Each reads x as JS reads an array; on a traced x each would have given a wrong number or a raw TypeError. */
const arrayLike: { readonly [name: string]: (x: any) => m.Value } = {
  length: (x) => {
    const parts: m.Value[] = [];
    for (let i = 0; i < x.length; i++) parts.push(m.get(x, i));
    return squares(parts);
  },
  index: (x) => squares([x[0] ?? 1, x[1] ?? 1, x[2] ?? 1]),
  'in-operator': (x) => (0 in x ? m.sum(m.square(x)) : 0),
  'for-of': (x) => {
    const parts: m.Value[] = [];
    for (const xi of x) parts.push(xi);
    return squares(parts);
  },
  spread: (x) => squares([...x]),
  destructuring: (x) => {
    const [a, b, c] = x;
    return squares([a, b, c]);
  },
  'array-from': (x) => squares(Array.from(x)),
  'float64array-from': (x) => m.sum(m.square(Float64Array.from(x))),
  'typed-array-set': (x) => {
    plain.set(x);
    return m.sum(m.square(plain));
  },
};

// ---- plain arrays refilled between the ops that read them ----

const coef = new Float64Array(3);
const refilledSum = (x: m.Value) => {
  coef.fill(2);
  const y1 = m.mul(x, coef);
  coef.fill(5);
  const y2 = m.mul(x, coef);
  return m.add(y1, y2);
};
const M1 = matrix(2, 3, (i, j) => i + 2 * j - 1);
const M2 = matrix(2, 3, (i, j) => (i === j ? 3 : -0.5));
const Mplain = new NDArray(new Float64Array(6), [2, 3]);
const refilledMatrix = (x: m.Value) => {
  Mplain.data.set(M1.data);
  const y1 = m.matvec(Mplain, x);
  Mplain.data.set(M2.data);
  const y2 = m.matvec(Mplain, x);
  return m.add(y1, y2);
};
/** Refilled after its last read: the tape's rules must still see 3. */
const refilledAfter = (x: m.Value) => {
  coef.fill(3);
  const y = m.sum(m.mul(m.square(x), coef));
  coef.fill(0);
  return y;
};

// ---- a black box that memoises by reference (an ODE right-hand side's cache) ----

let lastInput: unknown = null;
let lastOutput: m.Value = 0;
const memoised = (x: m.Value) => {
  if (x === lastInput) return lastOutput;
  lastInput = x;
  lastOutput = m.mul(m.sin(x), m.sum(x));
  return lastOutput;
};
const sx = xs.reduce((s, e) => s + e, 0);

// ---- a 0-d NDArray wherever a scalar is accepted ----

const nd0 = (s: number) => new NDArray(Float64Array.of(s), []);
const slots = buffer(2);
const filled = buffer(2);
const x2 = v(0.8, -1.5);

// ---- a traced value printed while debugging ----

let printed = '';

/** The contract family: one scenario per line of the correctness contract. */
export const contractScenarios: Scenario[] = [
  ...Object.entries(arrayLike).flatMap(([name, f]) =>
    scenariosFrom(
      {
        name: `traced-as-array-${name}`,
        family,
        tags: ['contract', 'refusal', 'array-like'],
        f,
        expect: refused,
      },
      sumOfSquares,
      ['gradient'],
    ),
  ),
  ...scenariosFrom(
    {
      name: 'plain-array-refilled',
      family,
      tags: ['contract', 'plain-array'],
      f: (x: m.Value) => m.sum(refilledSum(x)),
    },
    { x: xs, value: 7 * sx, jacobian: matrix(1, 3, () => 7) },
    ['gradient', 'pullback'],
  ),
  ...scenariosFrom(
    { name: 'plain-array-refilled-output', family, tags: ['contract', 'plain-array'], f: refilledSum },
    { x: xs, value: xs.map((e) => 7 * e), jacobian: matrix(3, 3, (i, j) => (i === j ? 7 : 0)) },
    ['jacobian', 'pushforward', 'pullback'],
  ),
  ...scenariosFrom(
    { name: 'plain-matrix-refilled', family, tags: ['contract', 'plain-array', 'matmul'], f: refilledMatrix },
    {
      x: xs,
      value: matvec(M1, xs).map((e, i) => e + matvec(M2, xs)[i]!),
      jacobian: matrix(2, 3, (i, j) => M1.at(i, j) + M2.at(i, j)),
    },
    ['jacobian', 'pushforward', 'pullback'],
  ),
  ...scenariosFrom(
    { name: 'plain-array-refilled-after-use', family, tags: ['contract', 'plain-array'], f: refilledAfter },
    {
      x: xs,
      value: 3 * (0.25 + 1 + 4),
      jacobian: matrix(1, 3, (_, j) => 6 * xs[j]!),
      hessian: matrix(3, 3, (i, j) => (i === j ? 6 : 0)),
    },
    ['gradient', 'hessian', 'hvp'],
  ),
  ...scenariosFrom(
    { name: 'memoising-black-box', family, tags: ['contract', 'black-box'], f: memoised },
    {
      // fᵢ = sin(xᵢ) Σx: ∂fᵢ/∂xⱼ = δᵢⱼ cos(xᵢ) Σx + sin(xᵢ)
      x: xs,
      value: xs.map((e) => Math.sin(e) * sx),
      jacobian: matrix(3, 3, (i, j) => (i === j ? Math.cos(xs[i]!) * sx : 0) + Math.sin(xs[i]!)),
    },
    ['jacobian', 'pushforward', 'pullback'],
  ),
  ...scenariosFrom(
    {
      name: 'memoising-black-box-scalar',
      family,
      tags: ['contract', 'black-box'],
      f: (x: m.Value) => m.sum(memoised(x)),
    },
    {
      x: xs,
      value: xs.reduce((s, e) => s + Math.sin(e) * sx, 0),
      jacobian: matrix(1, 3, (_, j) => Math.cos(xs[j]!) * sx + xs.reduce((s, e) => s + Math.sin(e), 0)),
    },
    ['gradient'],
  ),
  ...scenariosFrom(
    {
      name: 'zero-d-ndarray-in-buffer-set',
      family,
      tags: ['contract', 'buffer', 'ndarray'],
      // 3·x₀ + x₁², the 3 stored as a 0-d NDArray
      f: (x: m.Value) => {
        slots.set(0, nd0(3));
        slots.set(1, m.get(x, 1));
        return m.add(m.mul(slots.get(0), m.get(x, 0)), m.square(slots.get(1)));
      },
      after: { what: 'the buffer holds [3, x₁]', read: () => slots.read(), expected: v(3, x2[1]!) },
    },
    { x: x2, value: 3 * x2[0]! + x2[1]! ** 2, jacobian: matrix(1, 2, (_, j) => (j === 0 ? 3 : 2 * x2[1]!)) },
    ['gradient', 'pullback'],
  ),
  ...scenariosFrom(
    {
      name: 'zero-d-ndarray-in-buffer-fill',
      family,
      tags: ['contract', 'buffer', 'ndarray'],
      // Σ b·x with b = [2, x₁]: 2·x₀ + x₁²
      f: (x: m.Value) => {
        filled.fill(nd0(2));
        filled.set(1, m.get(x, 1));
        return m.sum(m.mul(filled.read(), x));
      },
      after: { what: 'the buffer holds [2, x₁]', read: () => filled.read(), expected: v(2, x2[1]!) },
    },
    { x: x2, value: 2 * x2[0]! + x2[1]! ** 2, jacobian: matrix(1, 2, (_, j) => (j === 0 ? 2 : 2 * x2[1]!)) },
    ['gradient', 'pullback'],
  ),
  ...scenariosFrom(
    {
      name: 'invalid-array-to-math',
      family,
      tags: ['contract', 'invalid-input'],
      f: (x: m.Value) => m.add(m.sum(m.square(x)), m.sum(m.square([1, 2] as never))),
      expect: invalid,
    },
    { ...sumOfSquares, value: sumOfSquares.value + 5 },
    ['gradient'],
  ),
  ...scenariosFrom(
    {
      name: 'invalid-float32array-to-math',
      family,
      tags: ['contract', 'invalid-input'],
      f: (x: m.Value) => m.sum(m.mul(x, new Float32Array(3) as never)),
      expect: invalid,
    },
    { x: xs, value: 0, jacobian: matrix(1, 3, () => 0) },
    ['gradient'],
  ),
  ...scenariosFrom(
    {
      name: 'invalid-string-to-math',
      family,
      tags: ['contract', 'invalid-input'],
      f: (x: m.Value) => m.mul(x, m.exp('1' as never)),
      expect: invalid,
    },
    { x: 2, value: 2 * Math.E, jacobian: matrix(1, 1, () => Math.E) },
    ['derivative'],
  ),
  ...scenariosFrom(
    {
      // x = [1, 2] is a pytree of two scalars, not a vector: m.square cannot take it.
      name: 'invalid-number-array-as-vector',
      family,
      tags: ['contract', 'invalid-input', 'param-struct'],
      f: (x: m.Value) => m.sum(m.square(x)),
      expect: invalid,
    },
    { x: [1, 2], value: 5, jacobian: matrix(1, 2, (_, j) => 2 * (j + 1)) },
    ['gradient'],
  ),
  ...scenariosFrom(
    {
      name: 'invalid-float32array-constant',
      family,
      tags: ['contract', 'invalid-input', 'constant', 'nested'],
      f: nested((b) => (x: m.Value) => {
        const g = gradient(
          (y: m.Value, c: unknown) => m.mul(y, m.sum(c as m.Value)),
          b,
          1,
          constant(new Float32Array(2)),
        );
        return m.mul(x, g as m.Value);
      }),
      expect: invalid,
    },
    { x: 1, value: 0, jacobian: matrix(1, 1, () => 0) },
    ['derivative'],
  ),
  ...scenariosFrom(
    {
      name: 'invalid-cache-template',
      family,
      tags: ['contract', 'invalid-input', 'cache', 'nested'],
      f: nested((b) => (x: m.Value) => {
        const g = gradient((y: m.Value) => m.square(y), b, 1, cache('x' as never));
        return m.mul(x, g as m.Value);
      }),
      expect: invalid,
    },
    { x: 1, value: 2, jacobian: matrix(1, 1, () => 2) },
    ['derivative'],
  ),
  ...scenariosFrom(
    {
      name: 'traced-value-printed',
      family,
      tags: ['contract', 'debugging'],
      f: (x: m.Value) => {
        const y = m.mul(x, 2);
        // What console.log(y) and a debugger show: must not throw, and must not change the result.
        printed = `${inspect(y)} ${y.toString()}`;
        if (printed.length === 0) throw new Error('a traced value printed as nothing');
        return m.sum(m.square(x));
      },
    },
    { ...sumOfSquares, hessian: matrix(3, 3, (i, j) => (i === j ? 2 : 0)) },
    ['gradient', 'hessian'],
  ),
  ...scenariosFrom(
    {
      name: 'traced-value-coerced-to-string',
      family,
      tags: ['contract', 'refusal', 'debugging'],
      f: (x: m.Value) => {
        printed = `${m.mul(x, 2)}`;
        return m.sum(m.square(x));
      },
      expect: refused,
    },
    sumOfSquares,
    ['gradient'],
  ),
];
