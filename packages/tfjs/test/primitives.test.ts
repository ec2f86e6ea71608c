import { NDArray, customRule, derivative, gradient, hessian, hvp, valueAndPullback } from '@diffint/core';
import { type Plain, plainData, primitives } from '@diffint/core/engine';
import * as m from '@diffint/core/math';
import { beforeAll, describe, expect, test } from 'vitest';
import { tfjs } from '../src/index.js';
import { tfOps } from '../src/ops.js';
import { backends, useBackend } from './backends.js';

const seeded = (n: number, seed: number, lo = -1, hi = 1) =>
  Float64Array.from({ length: n }, (_, i) => lo + ((Math.sin(seed * 7.1 + i * 3.3) + 1) / 2) * (hi - lo));
const mat = (rows: number, cols: number, seed: number, lo = -1, hi = 1) =>
  new NDArray(seeded(rows * cols, seed, lo, hi), [rows, cols]);

/** a·sin(b) with rules of its own (a jvp, transposed for reverse mode): a custom call. */
const aSinB = customRule((a: m.Value, b: m.Value) => m.mul(a, m.sin(b)), {
  jvp: ([a, b], [ta, tb]) => [m.mul(a, m.sin(b)), m.add(m.mul(ta, m.sin(b)), m.mul(m.mul(a, m.cos(b)), tb))],
});

/** One case per primitive: f over a list of inputs, all differentiated. */
const cases: [string, (a: m.Value[]) => m.Value, Plain[]][] = [
  ['abs', ([x]) => m.abs(x!), [Float64Array.of(-1.3, 0.7, 2)]],
  ['add', ([a, b]) => m.add(a!, b!), [mat(2, 3, 1), seeded(3, 2)]],
  ['broadcastTo', ([a]) => m.broadcastTo(a!, [2, 3]), [seeded(3, 3)]],
  ['concat', ([a, b]) => m.concat([a!, b!]), [seeded(2, 4), seeded(3, 5)]],
  ['cos', ([x]) => m.cos(x!), [seeded(4, 6, -3, 3)]],
  ['customCall', ([a, b]) => aSinB(a!, b!), [seeded(3, 30), seeded(3, 31, -2, 2)]],
  ['div', ([a, b]) => m.div(a!, b!), [mat(2, 3, 7), new NDArray(seeded(2, 8, 0.5, 2), [2, 1])]],
  // equal(b, b) is 1 and equal(a, b) is 0 however the inputs move, so differences see a zero derivative
  [
    'equal',
    ([a, b]) => m.add(m.mul(m.equal(b!, b!), a!), m.mul(m.equal(a!, b!), b!)),
    [seeded(3, 3), seeded(3, 4)],
  ],
  ['exp', ([x]) => m.exp(x!), [seeded(4, 9)]],
  ['greater', ([a, b]) => m.mul(m.greater(a!, b!), a!), [seeded(4, 10), seeded(4, 11)]],
  ['greaterEqual', ([a, b]) => m.mul(m.greaterEqual(a!, b!), b!), [seeded(4, 12), seeded(4, 13)]],
  ['less', ([a, b]) => m.mul(m.less(a!, b!), m.mul(a!, b!)), [seeded(4, 14), seeded(4, 15)]],
  ['lessEqual', ([a, b]) => m.mul(m.lessEqual(a!, b!), a!), [seeded(4, 16), seeded(4, 17)]],
  ['log', ([x]) => m.log(x!), [seeded(4, 18, 0.5, 3)]],
  ['matmul', ([a, b]) => m.matmul(a!, b!), [mat(2, 3, 19), mat(3, 2, 20)]],
  ['matmulNoNan', ([a, b]) => m.matmulNoNan(a!, b!), [mat(2, 3, 21), mat(3, 2, 22)]],
  ['maximum', ([a, b]) => m.maximum(a!, b!), [seeded(5, 21), seeded(5, 22)]],
  ['minimum', ([a, b]) => m.minimum(a!, b!), [mat(2, 3, 23), seeded(3, 24)]],
  ['mul', ([a, b]) => m.mul(a!, b!), [mat(3, 2, 25), 1.7]],
  ['mulNoNan', ([a, b]) => m.mulNoNan(a!, b!), [mat(3, 2, 26), mat(1, 2, 27)]],
  ['neg', ([x]) => m.neg(x!), [seeded(3, 26)]],
  ['pad', ([x]) => m.pad(x!, 1, 2), [mat(2, 2, 27)]],
  ['pow', ([a, b]) => m.pow(a!, b!), [seeded(4, 28, 0.5, 2), seeded(4, 29, -2, 2)]],
  ['reshape', ([x]) => m.reshape(x!, [3, 2]), [mat(2, 3, 30)]],
  ['scatterAdd', ([t, u]) => m.scatterAdd(t!, [2, 0, 2], m.square(u!)), [mat(3, 2, 44), mat(3, 2, 45)]],
  ['sigmoid', ([x]) => m.sigmoid(x!), [seeded(4, 31, -4, 4)]],
  ['sign', ([x]) => m.mul(m.sign(x!), m.square(x!)), [Float64Array.of(-2, 0.5, 3)]],
  ['sin', ([x]) => m.sin(x!), [seeded(4, 32, -3, 3)]],
  ['slice', ([x]) => m.slice(x!, 1, 3), [mat(4, 2, 33)]],
  ['sqrt', ([x]) => m.sqrt(x!), [seeded(4, 34, 0.5, 4)]],
  ['square', ([x]) => m.square(x!), [seeded(4, 35)]],
  ['sub', ([a, b]) => m.sub(a!, b!), [2.5, mat(2, 2, 36)]],
  ['sum', ([x]) => m.add(m.sum(x!), m.sum(m.sum(x!, 1))), [mat(3, 4, 37)]],
  ['take', ([x]) => m.square(m.take(x!, [3, 0, 3, -1])), [seeded(5, 46)]],
  ['tan', ([x]) => m.tan(x!), [seeded(4, 38, -1, 1)]],
  ['tanh', ([x]) => m.tanh(x!), [seeded(4, 39, -2, 2)]],
  ['transpose', ([x]) => m.transpose(x!), [mat(2, 3, 40)]],
  ['where', ([a, b]) => m.where(Float64Array.of(1, 0, 1), a!, b!), [mat(2, 3, 41), 0.3]],
  // Distinct elements: no tie within the differences' step.
  ['max', ([x]) => m.add(m.max(x!), m.sum(m.max(x!, 0))), [mat(3, 4, 86)]],
  ['cumsum', ([x]) => m.square(m.cumsum(x!, 1)), [mat(2, 3, 87)]],
  ['atan', ([x]) => m.atan(x!), [seeded(4, 70, -3, 3)]],
  ['atan2', ([a, b]) => m.atan2(a!, b!), [mat(2, 3, 71, 0.3, 2), seeded(3, 72, -2, 2)]],
  ['asin', ([x]) => m.asin(x!), [seeded(4, 73, -0.9, 0.9)]],
  ['acos', ([x]) => m.acos(x!), [seeded(4, 74, -0.9, 0.9)]],
  ['sinh', ([x]) => m.sinh(x!), [seeded(4, 75, -2, 2)]],
  ['cosh', ([x]) => m.cosh(x!), [seeded(4, 76, -2, 2)]],
  ['asinh', ([x]) => m.asinh(x!), [seeded(4, 77, -3, 3)]],
  ['acosh', ([x]) => m.acosh(x!), [seeded(4, 78, 1.2, 3)]],
  ['atanh', ([x]) => m.atanh(x!), [seeded(4, 79, -0.8, 0.8)]],
  ['log1p', ([x]) => m.log1p(x!), [seeded(4, 80, -0.5, 2)]],
  ['expm1', ([x]) => m.expm1(x!), [seeded(4, 81, -2, 2)]],
  ['log2', ([x]) => m.log2(x!), [seeded(4, 82, 0.5, 3)]],
  ['log10', ([x]) => m.log10(x!), [seeded(4, 83, 0.5, 3)]],
  ['erf', ([x]) => m.erf(x!), [seeded(4, 84, -2, 2)]],
  ['softplus', ([x]) => m.softplus(x!), [seeded(4, 85, -4, 4)]],
  // Piecewise constant: points away from their jumps, so differences see the zero derivative.
  ['floor', ([x]) => m.mul(m.floor(x!), x!), [Float64Array.of(-1.7, 0.3, 2.2)]],
  ['ceil', ([x]) => m.mul(m.ceil(x!), x!), [Float64Array.of(-1.7, 0.3, 2.2)]],
  ['round', ([x]) => m.mul(m.round(x!), x!), [Float64Array.of(-1.7, 0.3, 2.2)]],
  ['trunc', ([x]) => m.mul(m.trunc(x!), x!), [Float64Array.of(-1.7, 0.3, 2.2)]],
  [
    'stopGradient',
    ([x]) => m.mul(m.stopGradient(m.sign(x!)), m.square(x!)),
    [Float64Array.of(-1.7, 0.3, 2.2)],
  ],
];

const flat = (v: m.Value) => plainData(v as Plain);
const shapeOfPlain = (v: Plain) => m.shape(v);

/** ⟨w, f(args)⟩'s gradient by central differences of the float64 kernels, in plain JS. */
function referencePullback(f: (a: m.Value[]) => m.Value, args: Plain[], w: Float64Array): Float64Array[] {
  const h = 1e-6;
  const at = (k: number, i: number, delta: number) => {
    const moved = args.map((a, j) => {
      if (j !== k) return a;
      const d = plainData(a).slice();
      d[i] = d[i]! + delta;
      return typeof a === 'number' ? d[0]! : a instanceof NDArray ? new NDArray(d, a.shape) : d;
    });
    const y = flat(f(moved));
    let s = 0;
    for (let r = 0; r < y.length; r++) s += w[r]! * y[r]!;
    return s;
  };
  return args.map((a, k) => plainData(a).map((_, i) => (at(k, i, h) - at(k, i, -h)) / (2 * h)));
}

describe('the primitive table', () => {
  test('maps every primitive of @diffint/core', () => {
    for (const name of Object.keys(primitives)) expect(tfOps, name).toHaveProperty(name);
    expect(cases.map(([name]) => name).sort()).toEqual(Object.keys(primitives).sort());
  });
});

describe.each(backends)('every primitive, %s backend', (name) => {
  beforeAll(() => useBackend(name));

  test.each(cases)('%s: value and pullback against the float64 kernel', (_, f, args) => {
    const y = f(args);
    const w = seeded(flat(y).length, 50, 0.5, 1.5);
    const seed = typeof y === 'number' ? w[0]! : y instanceof NDArray ? new NDArray(w, y.shape) : w;
    const [value, [g]] = valueAndPullback(f, tfjs(), args, [seed as never]);
    const scale = (xs: ArrayLike<number>) => Math.max(1, ...Array.from(xs, Math.abs));
    const v = flat(value as Plain);
    expect(m.shape(value as Plain)).toEqual(m.shape(y));
    flat(y).forEach((e, i) => expect(Math.abs(v[i]! - e)).toBeLessThanOrEqual(2e-6 * scale(flat(y))));
    const reference = referencePullback(f, args, w);
    (g as Plain[]).forEach((gk, k) => {
      expect(shapeOfPlain(gk)).toEqual(shapeOfPlain(args[k]!));
      const r = reference[k]!;
      flat(gk).forEach((e, i) => expect(Math.abs(e - r[i]!)).toBeLessThanOrEqual(2e-5 * scale(r)));
    });
  });

  test.each(cases)('%s: second derivative in a direction against second differences', (_, f, args) => {
    const w = seeded(flat(f(args)).length, 51, 0.5, 1.5);
    const g = (a: m.Value[]) => m.sum(m.mul(f(a), m.reshape(w, m.shape(f(args)))));
    const v = args.map((a, k) => {
      const d = seeded(flat(a).length, 60 + k);
      return typeof a === 'number' ? d[0]! : a instanceof NDArray ? new NDArray(d, a.shape) : d;
    });
    const [Hv] = hvp(g, tfjs(), args, [v]);
    const vHv = (Hv as Plain[]).reduce<number>((s, h, k) => {
      const vk = flat(v[k]!);
      return s + flat(h).reduce((t, e, i) => t + e * vk[i]!, 0);
    }, 0);
    // vᵀHv = d²/dh² g(x + h v), by second differences of the float64 kernels
    const h = 1e-4;
    const at = (t: number) =>
      flat(
        g(
          args.map((a, k) => {
            const d = plainData(a).map((e, i) => e + t * flat(v[k]!)[i]!);
            return typeof a === 'number' ? d[0]! : a instanceof NDArray ? new NDArray(d, a.shape) : d;
          }),
        ),
      )[0]!;
    const reference = (at(h) - 2 * at(0) + at(-h)) / (h * h);
    expect(Math.abs(vHv - reference)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(reference)));
  });

  test('derivatives at kinks follow diffint: |x|′(0) = 0, a tie of max and min splits in halves', () => {
    expect(gradient((x: m.Value) => m.sum(m.abs(x)), tfjs(), Float64Array.of(0, -2, 3))).toEqual(
      Float64Array.of(0, -1, 1),
    );
    const g = gradient(
      (p: m.Value[]) => m.add(m.maximum(p[0]!, p[1]!), m.mul(3, m.minimum(p[0]!, p[1]!))),
      tfjs(),
      [1, 1],
    );
    expect(g).toEqual([2, 2]);
    expect(gradient((x: m.Value) => m.sum(m.relu(x)), tfjs(), Float64Array.of(0, -1, 1))).toEqual(
      Float64Array.of(0.5, 0, 1),
    );
  });

  test('pow(x, 0) has derivative 0 at x = 0, and mulNoNan has a strong zero', () => {
    expect(gradient((x: m.Value) => m.sum(m.pow(x, 0)), tfjs(), Float64Array.of(0, 2))).toEqual(
      Float64Array.of(0, 0),
    );
    const y = m.value(
      derivative((x: m.Value) => m.mulNoNan(x, Float64Array.of(0, Number.POSITIVE_INFINITY)), tfjs(), 0),
    );
    expect(Array.from(y as Float64Array)).toEqual([0, Number.POSITIVE_INFINITY]);
  });

  // Second derivatives through the primitives whose TensorFlow.js gradient uses comparisons.
  const x = Float64Array.of(-1.5, -0.5, 0.75, 2.5);
  const hessianDiagonal: [string, (x: m.Value) => m.Value, (x: number) => number][] = [
    [
      'where and greater',
      (x) => m.where(m.greater(x, 0), m.pow(x, 3), m.neg(m.square(x))),
      (x) => (x > 0 ? 6 * x : -2),
    ],
    [
      'maximum of two functions of x',
      (x) => m.maximum(m.square(x), m.mul(x, 2)),
      (x) => (x * x >= 2 * x ? 2 : 0),
    ],
    ['minimum of two functions of x', (x) => m.minimum(m.pow(x, 3), x), (x) => (x ** 3 <= x ? 6 * x : 0)],
    [
      'pow with a variable exponent',
      (x) => m.pow(m.abs(x), x),
      (x) => {
        const a = Math.abs(x);
        return a ** x * ((Math.log(a) + 1) ** 2 + 1 / x);
      },
    ],
    ['abs', (x) => m.mul(m.abs(x), x), (x) => 2 * Math.sign(x)],
    [
      'a comparison as a mask',
      (x) => m.mul(m.lessEqual(x, 1), m.pow(x, 4)),
      (x) => (x <= 1 ? 12 * x * x : 0),
    ],
  ];
  test.each(hessianDiagonal)('hessian through %s', (_, g, d2) => {
    const H = hessian((x: m.Value) => m.sum(g(x)), tfjs(), x);
    x.forEach((xi, i) =>
      x.forEach((_, j) => {
        const expected = i === j ? d2(xi) : 0;
        expect(Math.abs(H.at(i, j) - expected)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(expected)));
      }),
    );
  });
});
