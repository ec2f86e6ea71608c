/**
 * The elementwise ops of the wider op set: each kernel against independent values (Python's
 * math module, identities), each derivative against its formula written out here by hand, on
 * the float64 engines, and second derivatives through the rules.
 */
import { derivative, secondDerivative, secondOrder } from '@diffint/core';
import { primitives } from '@diffint/core/engine';
import * as m from '@diffint/core/math';
import { forward } from '@diffint/forward';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';

const engines = [
  ['tape', tape()],
  ['forward', forward()],
] as const;

const close = (a: number, b: number, tol = 1e-12) =>
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

/** f, f′ and f″ written out by hand, and points inside the domain. */
const formulas: [string, (x: m.Value) => m.Value, (x: number) => number, (x: number) => number, number[]][] =
  [
    ['atan', m.atan, (x) => 1 / (1 + x * x), (x) => (-2 * x) / (1 + x * x) ** 2, [-3, -0.5, 0, 0.7, 40]],
    ['asin', m.asin, (x) => 1 / Math.sqrt(1 - x * x), (x) => x / (1 - x * x) ** 1.5, [-0.9, 0, 0.3, 0.99]],
    ['acos', m.acos, (x) => -1 / Math.sqrt(1 - x * x), (x) => -x / (1 - x * x) ** 1.5, [-0.9, 0, 0.3, 0.99]],
    ['sinh', m.sinh, Math.cosh, Math.sinh, [-2, 0, 1.5]],
    ['cosh', m.cosh, Math.sinh, Math.cosh, [-2, 0, 1.5]],
    ['asinh', m.asinh, (x) => 1 / Math.sqrt(x * x + 1), (x) => -x / (x * x + 1) ** 1.5, [-3, 0, 0.5, 100]],
    ['acosh', m.acosh, (x) => 1 / Math.sqrt(x * x - 1), (x) => -x / (x * x - 1) ** 1.5, [1.01, 2, 30]],
    ['atanh', m.atanh, (x) => 1 / (1 - x * x), (x) => (2 * x) / (1 - x * x) ** 2, [-0.9, 0, 0.5]],
    ['log1p', m.log1p, (x) => 1 / (1 + x), (x) => -1 / (1 + x) ** 2, [-0.5, 0, 1e-10, 3]],
    ['expm1', m.expm1, Math.exp, Math.exp, [-2, 0, 1e-10, 2]],
    ['log2', m.log2, (x) => 1 / (x * Math.LN2), (x) => -1 / (x * x * Math.LN2), [0.25, 1, 8]],
    ['log10', m.log10, (x) => 1 / (x * Math.LN10), (x) => -1 / (x * x * Math.LN10), [0.5, 1, 1000]],
    [
      'erf',
      m.erf,
      (x) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x),
      (x) => (-4 * x * Math.exp(-x * x)) / Math.sqrt(Math.PI),
      [-3, -0.5, 0, 1, 2.5, 4],
    ],
    [
      'softplus',
      m.softplus,
      (x) => 1 / (1 + Math.exp(-x)),
      (x) => Math.exp(-x) / (1 + Math.exp(-x)) ** 2,
      [-30, -1, 0, 2, 30],
    ],
  ];

describe.each(formulas)('%s: derivatives are the formulas', (_name, f, d1, d2, points) => {
  test.each(engines)('first derivative on %s', (_e, b) => {
    for (const x of points) close(derivative(f, b, x) as number, d1(x));
  });
  test('second derivative, forward over tape', () => {
    for (const x of points)
      close(secondDerivative(f, secondOrder(forward(), tape()), x) as number, d2(x), 1e-10);
  });
  test('vectorised: the derivative of a sum is the formula per element', () => {
    const x = Float64Array.from(points);
    const g = derivative((t: m.Value) => m.sum(f(m.mul(t, x))), tape(), 1) as number;
    close(
      g,
      points.reduce((s, p) => s + d1(p) * p, 0),
    );
  });
});

describe('atan2', () => {
  const cases: [number, number][] = [
    [1, 2],
    [-1.5, 0.5],
    [0.3, -2],
    [-0.3, -2],
  ];
  test.each(engines)('partials b/(a² + b²) and -a/(a² + b²) on %s', (_e, b) => {
    for (const [y, x] of cases) {
      const r = x * x + y * y;
      close(derivative((t: m.Value) => m.atan2(t, x), b, y) as number, x / r);
      close(derivative((t: m.Value) => m.atan2(y, t), b, x) as number, -y / r);
    }
  });
  test('values: the angle of (b, a), both arguments broadcast', () => {
    const out = m.atan2(Float64Array.of(1, -1, 0), -1) as Float64Array;
    expect(Array.from(out)).toEqual([Math.atan2(1, -1), Math.atan2(-1, -1), Math.PI]);
  });
});

describe('kernels', () => {
  test('erf matches Python math.erf to a few ulps, odd, ±1 in the tails, NaN through', () => {
    const reference: [number, number][] = [
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [1.5, 0.9661051464753108],
      [2, 0.9953222650189527],
      [2.5, 0.999593047982555],
      [3, 0.9999779095030014],
      [4, 0.9999999845827421],
      [5, 0.9999999999984626],
      [-0.3, -0.3286267594591274],
    ];
    for (const [x, want] of reference) close(m.erf(x) as number, want, 8e-16);
    expect(m.erf(30)).toBe(1);
    expect(m.erf(Number.NEGATIVE_INFINITY)).toBe(-1);
    expect(Object.is(m.erf(-0), -0)).toBe(true);
    expect(m.erf(Number.NaN)).toBeNaN();
  });

  test('softplus is stable: x for large x, e^x for very negative x, log 2 at 0', () => {
    expect(m.softplus(800)).toBe(800);
    close(m.softplus(-800) as number, 0);
    close(m.softplus(-40) as number, Math.exp(-40), 1e-15);
    close(m.softplus(0) as number, Math.LN2, 1e-16);
    expect(m.softplus(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(m.softplus(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(derivative(m.softplus, tape(), 800)).toBe(1);
    expect(derivative(m.softplus, tape(), -800)).toBe(0);
  });

  test('round takes halves to the even neighbour; floor, ceil and trunc as Math does', () => {
    const x = Float64Array.of(-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.4, -2.6, 7);
    expect(Array.from(m.round(x) as Float64Array)).toEqual([-2, -2, -0, 0, 2, 2, 2, -3, 7]);
    expect(Array.from(m.floor(x) as Float64Array)).toEqual(Array.from(x, Math.floor));
    expect(Array.from(m.ceil(x) as Float64Array)).toEqual(Array.from(x, Math.ceil));
    expect(Array.from(m.trunc(x) as Float64Array)).toEqual(Array.from(x, Math.trunc));
  });

  test('expm1 and log1p keep the digits near 0 that exp(x) - 1 and log(1 + x) lose', () => {
    expect(m.expm1(1e-20)).toBe(1e-20);
    expect(m.log1p(1e-20)).toBe(1e-20);
  });
});

describe('piecewise-constant ops and stopGradient', () => {
  const ops = [
    ['floor', m.floor],
    ['ceil', m.ceil],
    ['round', m.round],
    ['trunc', m.trunc],
    ['stopGradient', m.stopGradient],
  ] as const;
  test.each(ops)(
    '%s: derivative 0 everywhere, at its jumps too, and a classification saying so',
    (name, op) => {
      for (const [, b] of engines) {
        for (const x of [-1.5, -1, -0.3, 0, 0.5, 2, 2.7]) {
          expect(derivative((t: m.Value) => m.add(op(t), m.mul(2, t)), b, x)).toBe(2);
        }
      }
      const c = primitives[name].classification;
      expect(c.zeroDerivative).toBe(true);
      expect(c.args).toEqual(['none']);
    },
  );
  test('stopGradient passes its value unchanged', () => {
    expect(m.stopGradient(3.5)).toBe(3.5);
    const g = derivative((t: m.Value) => m.mul(t, m.stopGradient(m.mul(t, t))), tape(), 3);
    expect(g).toBe(9); // d/dt [t · c] with c = t² held constant
  });
});
