/** Test functions with analytic derivatives, and error measures. */
import * as m from '@diffint/core/math';

/** max |actual − expected| / max |expected|: a relative error that zero entries do not break. */
export function relativeError(
  actual: ArrayLike<number> | number,
  expected: ArrayLike<number> | number,
): number {
  const a = typeof actual === 'number' ? [actual] : actual;
  const e = typeof expected === 'number' ? [expected] : expected;
  if (a.length !== e.length) throw new Error(`length ${a.length} ≠ ${e.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < e.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - e[i]!));
    scale = Math.max(scale, Math.abs(e[i]!));
  }
  return diff / scale;
}

export interface ScalarCase {
  readonly name: string;
  readonly f: (x: m.Value) => m.Value;
  readonly d1: (x: number) => number;
  readonly d2: (x: number) => number;
  readonly at: readonly number[];
}

/** Smooth functions of moderate scale, with their first and second derivatives. */
export const scalarCases: readonly ScalarCase[] = [
  { name: 'sin', f: m.sin, d1: Math.cos, d2: (x) => -Math.sin(x), at: [0.3, 1.7, -2.5, 10] },
  { name: 'exp', f: m.exp, d1: Math.exp, d2: Math.exp, at: [0.3, -1, 3] },
  {
    name: 'exp(2x)',
    f: (x) => m.exp(m.mul(2, x)),
    d1: (x) => 2 * Math.exp(2 * x),
    d2: (x) => 4 * Math.exp(2 * x),
    at: [0.3, -1, 2],
  },
  { name: 'log', f: m.log, d1: (x) => 1 / x, d2: (x) => -1 / (x * x), at: [0.5, 2, 30] },
  {
    name: 'x³ + 3x',
    f: (x) => m.add(m.mul(x, m.square(x)), m.mul(3, x)),
    d1: (x) => 3 * x * x + 3,
    d2: (x) => 6 * x,
    at: [0.1, 2, -5, 100],
  },
  {
    name: 'tanh',
    f: m.tanh,
    d1: (x) => 1 - Math.tanh(x) ** 2,
    d2: (x) => -2 * Math.tanh(x) * (1 - Math.tanh(x) ** 2),
    at: [0.2, 1, -2],
  },
  { name: 'sqrt', f: m.sqrt, d1: (x) => 0.5 / Math.sqrt(x), d2: (x) => -0.25 * x ** -1.5, at: [0.5, 4, 100] },
  {
    name: 'sin(3x)',
    f: (x) => m.sin(m.mul(3, x)),
    d1: (x) => 3 * Math.cos(3 * x),
    d2: (x) => -9 * Math.sin(3 * x),
    at: [0.3, 1],
  },
];

/** f(x) = sin(x₀)·exp(x₁) + x₂²·x₀ on a Float64Array of length 3. */
export const f3 = (x: m.Value): m.Value =>
  m.add(m.mul(m.sin(m.get(x, 0)), m.exp(m.get(x, 1))), m.mul(m.square(m.get(x, 2)), m.get(x, 0)));

export function f3Value(x: Float64Array): number {
  return Math.sin(x[0]!) * Math.exp(x[1]!) + x[2]! ** 2 * x[0]!;
}

export function f3Gradient(x: Float64Array): number[] {
  const [a, b, c] = [x[0]!, x[1]!, x[2]!];
  return [Math.cos(a) * Math.exp(b) + c * c, Math.sin(a) * Math.exp(b), 2 * c * a];
}

export function f3Hessian(x: Float64Array): number[] {
  const [a, b, c] = [x[0]!, x[1]!, x[2]!];
  const s = Math.sin(a) * Math.exp(b);
  const co = Math.cos(a) * Math.exp(b);
  return [-s, co, 2 * c, co, s, 0, 2 * c, 0, 2 * a];
}

/** g(x) = [x₀·x₁, sin(x₂), exp(x₀ − x₂)]: a vector function of a length-3 vector. */
export const g3 = (x: m.Value): m.Value => {
  const [a, b, c] = [m.get(x, 0), m.get(x, 1), m.get(x, 2)];
  return m.stack([m.mul(a, b), m.sin(c), m.exp(m.sub(a, c))]);
};

export function g3Value(x: Float64Array): number[] {
  return [x[0]! * x[1]!, Math.sin(x[2]!), Math.exp(x[0]! - x[2]!)];
}

/** Row-major [3, 3]. */
export function g3Jacobian(x: Float64Array): number[] {
  const e = Math.exp(x[0]! - x[2]!);
  return [x[1]!, x[0]!, 0, 0, 0, Math.cos(x[2]!), e, 0, -e];
}
