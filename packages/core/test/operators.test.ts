/**
 * Every operator, with its valueAnd…, …Into and prepare… variants, against analytic derivatives;
 * on a reverse engine (the tape, which declares only pullback) and a forward one (a dual-number
 * engine declaring only pushforward), so both branches of the fallback chain are exercised.
 */
import {
  Buffer,
  type Engine,
  NDArray,
  cache,
  constant,
  derivative,
  derivativeInto,
  gradient,
  gradientAndHvp,
  gradientInto,
  hessian,
  hessianInto,
  hvp,
  hvpInto,
  inPlace,
  jacobian,
  jacobianInto,
  prepareDerivative,
  prepareGradient,
  prepareHessian,
  prepareHvp,
  prepareJacobian,
  preparePullback,
  preparePushforward,
  prepareSecondDerivative,
  pullback,
  pullbackInto,
  pushforward,
  pushforwardInto,
  secondDerivative,
  secondDerivativeInto,
  secondOrder,
  valueAndDerivative,
  valueAndGradient,
  valueAndGradientInto,
  valueAndJacobian,
  valueAndPullback,
  valueAndPushforward,
  valueDerivativeAndSecondDerivative,
  valueGradientAndHessian,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';
import { deepCopy, expectClose, matrix } from './support/compare.js';
import { dual } from './support/dual.js';

const engines: [string, () => Engine][] = [
  ['tape', () => tape()],
  ['dual', () => dual()],
];
const vec = (...xs: number[]) => Float64Array.of(...xs);

// ---- functions with known derivatives ----

/** sin(x)·x²: f' = x² cos x + 2x sin x, f'' = (2 − x²) sin x + 4x cos x. */
const s = (x: m.Value) => m.mul(m.sin(x), m.square(x));
const ds = (x: number) => x * x * Math.cos(x) + 2 * x * Math.sin(x);
const d2s = (x: number) => (2 - x * x) * Math.sin(x) + 4 * x * Math.cos(x);

/** R → tree: { sq: x², e: [eˣ, (x, 3x)] }. */
const curve = (x: m.Value) => ({ sq: m.square(x), e: [m.exp(x), m.stack([x, m.mul(3, x)])] });

/** Σ xᵢ³ + x₀x₁: ∇ = 3xᵢ² + (x₁, x₀, 0), H = diag(6xᵢ) + 1 at (0,1) and (1,0). */
const cubic = (x: m.Value) => m.add(m.sum(m.pow(x, 3)), m.mul(m.get(x, 0), m.get(x, 1)));
const cubicGrad = (x: Float64Array) => vec(3 * x[0]! ** 2 + x[1]!, 3 * x[1]! ** 2 + x[0]!, 3 * x[2]! ** 2);
const cubicHess = (x: Float64Array) =>
  matrix([
    [6 * x[0]!, 1, 0],
    [1, 6 * x[1]!, 0],
    [0, 0, 6 * x[2]!],
  ]);

/** R³ → R³: (x₀x₁, sin x₂, x₀ + 2x₂). */
const field = (x: m.Value) =>
  m.stack([m.mul(m.get(x, 0), m.get(x, 1)), m.sin(m.get(x, 2)), m.add(m.get(x, 0), m.mul(2, m.get(x, 2)))]);
const fieldValue = (x: Float64Array) => vec(x[0]! * x[1]!, Math.sin(x[2]!), x[0]! + 2 * x[2]!);
const fieldJac = (x: Float64Array) =>
  matrix([
    [x[1]!, x[0]!, 0],
    [0, 0, Math.cos(x[2]!)],
    [1, 0, 2],
  ]);
const matvecRows = (J: NDArray, t: Float64Array) =>
  Float64Array.from({ length: J.shape[0]! }, (_, i) => t.reduce((a, tj, j) => a + J.at(i, j) * tj, 0));
const matTvec = (J: NDArray, c: Float64Array) =>
  Float64Array.from({ length: J.shape[1]! }, (_, j) => c.reduce((a, ci, i) => a + J.at(i, j) * ci, 0));

const x3 = vec(0.7, -1.3, 0.4);
const x3b = vec(-0.2, 0.9, 1.1);

describe.each(engines)('first order on %s', (_name, engine) => {
  test('derivative of a scalar function, with valueAnd…, and prepared at two points', () => {
    expectClose(derivative(s, engine(), 0.8), ds(0.8));
    expectClose(valueAndDerivative(s, engine(), 0.8), [s(0.8), ds(0.8)]);
    const prep = prepareDerivative(s, engine(), 0);
    for (const x of [0.8, -2.5]) {
      expectClose(prep.derivative(x), ds(x));
      expectClose(prep.valueAndDerivative(x), [s(x), ds(x)]);
    }
  });

  test('derivative of a tree-valued function has the structure of the output', () => {
    const x = 0.3;
    const want = { sq: 2 * x, e: [Math.exp(x), vec(1, 3)] };
    expectClose(derivative(curve, engine(), x), want);
    const [y, d] = valueAndDerivative(curve, engine(), x);
    expectClose(y, { sq: x * x, e: [Math.exp(x), vec(x, 3 * x)] });
    expectClose(d, want);
  });

  test('derivativeInto writes into a given output and returns it', () => {
    const out = { sq: 0, e: [0, new Float64Array(2)] };
    const inner = out.e[1];
    const r = derivativeInto(out, curve, engine(), 0.3);
    expect(r).toBe(out);
    expect(out.e[1]).toBe(inner);
    expectClose(out, { sq: 0.6, e: [Math.exp(0.3), vec(1, 3)] });
    const prep = prepareDerivative(curve, engine(), 0);
    const [y, d] = prep.valueAndDerivativeInto(out, 1);
    expect(d).toBe(out);
    expectClose(y, { sq: 1, e: [Math.E, vec(1, 3)] });
    expectClose(out, { sq: 2, e: [Math.E, vec(1, 3)] });
  });

  test('gradient, valueAndGradient, gradientInto and the prepared variants', () => {
    expectClose(gradient(cubic, engine(), x3), cubicGrad(x3));
    expectClose(valueAndGradient(cubic, engine(), x3), [cubic(x3), cubicGrad(x3)]);
    const out = new Float64Array(3);
    expect(gradientInto(out, cubic, engine(), x3)).toBe(out);
    expectClose(out, cubicGrad(x3));
    const out2 = new Float64Array(3);
    const [y, g] = valueAndGradientInto(out2, cubic, engine(), x3b);
    expect(g).toBe(out2);
    expectClose([y, g], [cubic(x3b), cubicGrad(x3b)]);

    const prep = prepareGradient(cubic, engine(), x3);
    for (const x of [x3, x3b, x3]) {
      expectClose(prep.gradient(x), cubicGrad(x));
      expectClose(prep.valueAndGradient(x), [cubic(x), cubicGrad(x)]);
      expect(prep.gradientInto(out, x)).toBe(out);
      expectClose(out, cubicGrad(x));
      expectClose(prep.valueAndGradientInto(out, x), [cubic(x), cubicGrad(x)]);
    }
  });

  test('gradient of a scalar input is a number', () => {
    expectClose(gradient(s, engine(), 1.5), ds(1.5));
    expect(typeof gradient(s, engine(), 1.5)).toBe('number');
  });

  test('jacobian, valueAndJacobian, jacobianInto and the prepared variants', () => {
    expectClose(jacobian(field, engine(), x3), fieldJac(x3));
    const [y, J] = valueAndJacobian(field, engine(), x3);
    expectClose(y, fieldValue(x3));
    expectClose(J, fieldJac(x3));
    const out = NDArray.zeros([3, 3]);
    expect(jacobianInto(out, field, engine(), x3b)).toBe(out);
    expectClose(out, fieldJac(x3b));
    const prep = prepareJacobian(field, engine(), x3);
    for (const x of [x3b, x3]) {
      expectClose(prep.jacobian(x), fieldJac(x));
      expectClose(prep.valueAndJacobian(x), [fieldValue(x), fieldJac(x)]);
      expect(prep.jacobianInto(out, x)).toBe(out);
      expectClose(out, fieldJac(x));
      const [yy, JJ] = prep.valueAndJacobianInto(out, x);
      expect(JJ).toBe(out);
      expectClose(yy, fieldValue(x));
    }
  });

  test('jacobian of a scalar function is [1, n]; of a scalar input, [m, 1]', () => {
    expectClose(jacobian(cubic, engine(), x3), new NDArray(cubicGrad(x3), [1, 3]));
    expectClose(jacobian(curve, engine(), 0.3), new NDArray(vec(0.6, Math.exp(0.3), 1, 3), [4, 1]));
  });

  test('pushforward of a batch of tangents, with valueAnd…, …Into and prepared', () => {
    const ts = [vec(1, 0, 0), vec(0.5, -1, 2)];
    const want = ts.map((t) => matvecRows(fieldJac(x3), t));
    expectClose(pushforward(field, engine(), x3, ts), want);
    expectClose(valueAndPushforward(field, engine(), x3, ts), [fieldValue(x3), want]);
    const outs = [new Float64Array(3), new Float64Array(3)];
    expect(pushforwardInto(outs, field, engine(), x3, ts)).toBe(outs);
    expectClose(outs, want);
    const prep = preparePushforward(field, engine(), x3, ts);
    for (const x of [x3b, x3]) {
      const w = ts.map((t) => matvecRows(fieldJac(x), t));
      expectClose(prep.pushforward(x, ts), w);
      expectClose(prep.valueAndPushforward(x, ts), [fieldValue(x), w]);
      expectClose(prep.pushforwardInto(outs, x, ts), w);
      expectClose(prep.valueAndPushforwardInto(outs, x, ts), [fieldValue(x), w]);
    }
    expect(pushforward(field, engine(), x3, [])).toEqual([]);
  });

  test('pullback of a batch of cotangents, with valueAnd…, …Into and prepared', () => {
    const cs = [vec(0, 1, 0), vec(1, -2, 0.5)];
    const want = cs.map((c) => matTvec(fieldJac(x3), c));
    expectClose(pullback(field, engine(), x3, cs), want);
    expectClose(valueAndPullback(field, engine(), x3, cs), [fieldValue(x3), want]);
    const outs = [new Float64Array(3), new Float64Array(3)];
    expect(pullbackInto(outs, field, engine(), x3, cs)).toBe(outs);
    expectClose(outs, want);
    const prep = preparePullback(field, engine(), x3, cs);
    for (const x of [x3b, x3]) {
      const w = cs.map((c) => matTvec(fieldJac(x), c));
      expectClose(prep.pullback(x, cs), w);
      expectClose(prep.valueAndPullback(x, cs), [fieldValue(x), w]);
      expectClose(prep.pullbackInto(outs, x, cs), w);
      expectClose(prep.valueAndPullbackInto(outs, x, cs), [fieldValue(x), w]);
    }
  });

  test('pushforward and pullback of tree-valued functions take and give trees', () => {
    const x = 0.3;
    expectClose(pushforward(curve, engine(), x, [2]), [{ sq: 4 * x, e: [2 * Math.exp(x), vec(2, 6)] }]);
    const c = { sq: 1, e: [2, vec(3, -1)] };
    // 2x·1 + eˣ·2 + 1·3 + 3·(−1)
    expectClose(pullback(curve, engine(), x, [c]), [2 * x + 2 * Math.exp(x)]);
  });

  test('results are fresh: an identity function returns copies, not its seeds', () => {
    const c = vec(1, 2, 3);
    const [r] = pullback((x: m.Value) => x, engine(), x3, [c]);
    expect(r).not.toBe(c);
    expect(r).not.toBe(x3);
    expectClose(r, c);
    const [t] = pushforward((x: m.Value) => x, engine(), x3, [c]);
    expect(t).not.toBe(c);
    const g = gradient((x: m.Value) => m.sum(x), engine(), x3);
    (g as Float64Array)[0] = 99;
    expectClose(
      gradient((x: m.Value) => m.sum(x), engine(), x3),
      vec(1, 1, 1),
    );
  });
});

describe.each(engines)('pytrees on %s', (_name, engine) => {
  // f(p) = s · Σᵢ rᵢ² + Σ cⱼ², r = W·u + b, with u a constant.
  const u = vec(1, -2, 0.5);
  const params = () => ({
    W: matrix([
      [0.1, 0.2, -0.3],
      [0.4, -0.5, 0.6],
    ]),
    b: vec(0.05, -0.1),
    s: 1.5,
    nested: [{ c: vec(0.3, -0.7) }],
  });
  type P = ReturnType<typeof params>;
  const loss = (p: { W: m.Value; b: m.Value; s: m.Value; nested: { c: m.Value }[] }, u: Float64Array) =>
    m.add(m.mul(p.s, m.sum(m.square(m.add(m.matvec(p.W, u), p.b)))), m.sum(m.square(p.nested[0]!.c)));
  const residual = (p: P) =>
    [0, 1].map((i) => p.W.at(i, 0) * u[0]! + p.W.at(i, 1) * u[1]! + p.W.at(i, 2) * u[2]! + p.b[i]!);
  const analytic = (p: P) => {
    const r = residual(p);
    return {
      W: new NDArray(
        Float64Array.from({ length: 6 }, (_, k) => 2 * p.s * r[Math.floor(k / 3)]! * u[k % 3]!),
        [2, 3],
      ),
      b: Float64Array.from(r, (ri) => 2 * p.s * ri),
      s: r[0]! ** 2 + r[1]! ** 2,
      nested: [{ c: p.nested[0]!.c.map((c) => 2 * c) }],
    };
  };

  test('the gradient has the structure and leaf kinds of x', () => {
    const p = params();
    const g = gradient(loss, engine(), p, constant(u));
    expect(g.W).toBeInstanceOf(NDArray);
    expect(g.b).toBeInstanceOf(Float64Array);
    expect(typeof g.s).toBe('number');
    expect(g.nested[0]!.c).toBeInstanceOf(Float64Array);
    expectClose(g, analytic(p));
  });

  test('gradientInto fills a tree in place, replacing number leaves in their containers', () => {
    const p = params();
    const out = {
      W: NDArray.zeros([2, 3]),
      b: new Float64Array(2),
      s: 0,
      nested: [{ c: new Float64Array(2) }],
    };
    const W = out.W;
    expect(gradientInto(out, loss, engine(), p, constant(u))).toBe(out);
    expect(out.W).toBe(W);
    expectClose(out, analytic(p));
  });

  test('jacobian over a pytree flattens it depth first, in key order', () => {
    const p = params();
    const g = analytic(p);
    const row = vec(...g.W.data, ...g.b, g.s, ...g.nested[0]!.c);
    expectClose(jacobian(loss, engine(), p, constant(u)), new NDArray(row, [1, 11]));
  });

  test('an array of inputs [x1, x2] is one pytree', () => {
    const f = ([a, b]: m.Value[]) => m.mul(m.sum(m.square(a!)), b!);
    const g = gradient(f, engine(), [vec(1, 2), 3]);
    expectClose(g, [vec(6, 12), 5]);
  });
});

describe.each(engines)('contexts on %s', (_name, engine) => {
  test('a constant is passed unchanged and never differentiated', () => {
    const c = { a: 3, M: matrix([[1, 2]]) };
    const seen: unknown[] = [];
    const f = (x: m.Value, k: typeof c) => {
      seen.push(k);
      return m.mul(k.a, m.sum(m.square(m.matvec(k.M, x))));
    };
    // 3 (x₀ + 2x₁)² → ∇ = 6 (x₀ + 2x₁) (1, 2)
    const x = vec(0.5, 1);
    expectClose(gradient(f, engine(), x, constant(c)), vec(15, 30));
    expect(seen.length).toBeGreaterThan(0);
    for (const k of seen) expect(k).toBe(c);
    expect(c).toEqual({ a: 3, M: matrix([[1, 2]]) });
  });

  test('a cache is a Buffer shaped like its template, reused by a preparation', () => {
    const seen = new Set<Buffer>();
    const f = (x: m.Value, scratch: Buffer) => {
      expect(scratch).toBeInstanceOf(Buffer);
      seen.add(scratch);
      for (let i = 0; i < 3; i++) scratch.set(i, m.square(m.get(x, i)));
      return m.sum(m.mul(scratch.read(), x));
    };
    // Σ xᵢ³ → ∇ = 3xᵢ²
    const prep = prepareGradient(f, engine(), x3, cache(new Float64Array(3)));
    expectClose(
      prep.gradient(x3, cache(new Float64Array(3))),
      x3.map((v) => 3 * v * v),
    );
    expectClose(
      prep.gradient(x3b, cache(new Float64Array(3))),
      x3b.map((v) => 3 * v * v),
    );
    expect(seen.size).toBe(1);
  });

  test.each([
    ['a length', 4, [4]],
    ['a shape', [2, 2], [2, 2]],
    ['a Float64Array', new Float64Array(4), [4]],
    ['an NDArray', NDArray.zeros([1, 4]), [1, 4]],
  ] as const)('a cache template may be %s', (_kind, template, shape) => {
    const f = (x: m.Value, scratch: Buffer) => {
      expect(scratch.shape).toEqual(shape);
      scratch.fill(x);
      return m.sum(scratch.read());
    };
    expectClose(derivative(f, engine(), 2, cache(template)), 4);
  });

  test('constants and caches together, in order', () => {
    const f = (x: m.Value, k: number, scratch: Buffer, offset: Float64Array) => {
      scratch.assign(m.add(x, offset));
      return m.mul(k, m.sum(m.square(scratch.read())));
    };
    // 2 Σ (xᵢ + oᵢ)² → ∇ = 4 (x + o)
    const o = vec(1, 2, 3);
    expectClose(
      gradient(f, engine(), x3, constant(2), cache(3), constant(o)),
      x3.map((v, i) => 4 * (v + o[i]!)),
    );
  });
});

describe.each(engines)('in-place functions on %s', (_name, engine) => {
  const fieldInPlace = inPlace((y: Buffer, x: m.Value) => {
    y.set(0, m.mul(m.get(x, 0), m.get(x, 1)));
    y.set(1, m.sin(m.get(x, 2)));
    y.set(2, m.add(m.get(x, 0), m.mul(2, m.get(x, 2))));
  }, new Float64Array(3));

  test('jacobian and valueAndJacobian', () => {
    expectClose(jacobian(fieldInPlace, engine(), x3), fieldJac(x3));
    const [y, J] = valueAndJacobian(fieldInPlace, engine(), x3b);
    expectClose(y, fieldValue(x3b));
    expectClose(J, fieldJac(x3b));
  });

  test('pushforward and pullback', () => {
    const t = vec(1, 2, 3);
    expectClose(pushforward(fieldInPlace, engine(), x3, [t]), [matvecRows(fieldJac(x3), t)]);
    expectClose(pullback(fieldInPlace, engine(), x3, [t]), [matTvec(fieldJac(x3), t)]);
  });

  test('derivative, with the output kind given by the template', () => {
    const curveInPlace = (template: 2 | [2, 1] | NDArray) =>
      inPlace((y: Buffer, x: m.Value) => {
        y.set(0, m.square(x));
        y.set(1, m.exp(x));
      }, template);
    expectClose(derivative(curveInPlace(2), engine(), 0.5), vec(1, Math.exp(0.5)));
    expectClose(
      derivative(curveInPlace(NDArray.zeros([2, 1])), engine(), 0.5),
      new NDArray(vec(1, Math.exp(0.5)), [2, 1]),
    );
    expectClose(derivative(curveInPlace([2, 1]), engine(), 0.5), new NDArray(vec(1, Math.exp(0.5)), [2, 1]));
  });

  test('an in-place function with contexts; the output starts from zeros on every call', () => {
    const f = inPlace((y: Buffer, x: m.Value, k: number) => {
      y.set(1, m.add(y.get(1), m.mul(k, x)));
    }, 2);
    const prep = prepareDerivative(f, engine(), 1, constant(3));
    for (let i = 0; i < 3; i++) expectClose(prep.valueAndDerivative(1, constant(3)), [vec(0, 3), vec(0, 3)]);
  });
});

// ---- second order ----

const pairs: [string, () => Engine | ReturnType<typeof secondOrder>][] = [
  ['tape', () => tape()],
  ['dual', () => dual()],
  ['secondOrder(tape(), tape())', () => secondOrder(tape(), tape())],
  ['secondOrder(dual(), tape())', () => secondOrder(dual(), tape())],
  ['secondOrder(tape(), dual())', () => secondOrder(tape(), dual())],
  ['secondOrder(dual(), dual())', () => secondOrder(dual(), dual())],
];

describe.each(pairs)('second order on %s', (_name, backend) => {
  test('hessian, valueGradientAndHessian, hessianInto and prepared', () => {
    expectClose(hessian(cubic, backend(), x3), cubicHess(x3));
    expectClose(valueGradientAndHessian(cubic, backend(), x3), [cubic(x3), cubicGrad(x3), cubicHess(x3)]);
    const out = NDArray.zeros([3, 3]);
    expect(hessianInto(out, cubic, backend(), x3b)).toBe(out);
    expectClose(out, cubicHess(x3b));
    const prep = prepareHessian(cubic, backend(), x3);
    for (const x of [x3b, x3]) {
      expectClose(prep.hessian(x), cubicHess(x));
      expectClose(prep.valueGradientAndHessian(x), [cubic(x), cubicGrad(x), cubicHess(x)]);
      expect(prep.hessianInto(out, x)).toBe(out);
      expectClose(out, cubicHess(x));
    }
  });

  test('hvp, gradientAndHvp, hvpInto and prepared', () => {
    const ts = [vec(1, 0, 0), vec(0.3, -1, 2)];
    const want = (x: Float64Array) => ts.map((t) => matvecRows(cubicHess(x), t));
    expectClose(hvp(cubic, backend(), x3, ts), want(x3));
    expectClose(gradientAndHvp(cubic, backend(), x3, ts), [cubicGrad(x3), want(x3)]);
    const outs = [new Float64Array(3), new Float64Array(3)];
    expect(hvpInto(outs, cubic, backend(), x3, ts)).toBe(outs);
    expectClose(outs, want(x3));
    const prep = prepareHvp(cubic, backend(), x3, ts);
    for (const x of [x3b, x3]) {
      expectClose(prep.hvp(x, ts), want(x));
      expectClose(prep.gradientAndHvp(x, ts), [cubicGrad(x), want(x)]);
      expectClose(prep.hvpInto(outs, x, ts), want(x));
    }
  });

  test('secondDerivative, valueDerivativeAndSecondDerivative, secondDerivativeInto and prepared', () => {
    expectClose(secondDerivative(s, backend(), 0.9), d2s(0.9));
    expectClose(valueDerivativeAndSecondDerivative(s, backend(), 0.9), [s(0.9), ds(0.9), d2s(0.9)]);
    const out = { sq: 0, e: [0, new Float64Array(2)] };
    expect(secondDerivativeInto(out, curve, backend(), 0.3)).toBe(out);
    expectClose(out, { sq: 2, e: [Math.exp(0.3), vec(0, 0)] });
    const prep = prepareSecondDerivative(s, backend(), 0);
    for (const x of [0.9, -1.7]) {
      expectClose(prep.secondDerivative(x), d2s(x));
      expectClose(prep.valueDerivativeAndSecondDerivative(x), [s(x), ds(x), d2s(x)]);
    }
  });

  test('hessian over a pytree is [n, n] over the flattened tree', () => {
    // a²·b + b³ over { a, b: [b] }: H = [[2b, 2a], [2a, 6b]]
    const f = (p: { a: m.Value; b: m.Value[] }) => m.add(m.mul(m.square(p.a), p.b[0]!), m.pow(p.b[0]!, 3));
    expectClose(
      hessian(f, backend(), { a: 0.5, b: [2] }),
      matrix([
        [4, 1],
        [1, 12],
      ]),
    );
    expectClose(hvp(f, backend(), { a: 0.5, b: [2] }, [{ a: 1, b: [0] }]), [{ a: 4, b: [1] }]);
  });
});

describe('nesting keeps differentiations apart (no perturbation confusion)', () => {
  const inner: [string, () => Engine][] = engines;
  describe.each(engines)('outer %s', (_o, outer) => {
    test.each(inner)('inner %s: d/dx [x · d/dy (x + y)] = 1', (_i, innerEngine) => {
      const f = (x: m.Value) =>
        m.mul(x, derivative((y: m.Value) => m.add(x, y), innerEngine(), 1) as m.Value);
      expect(derivative(f, outer(), 2)).toBe(1);
      // Inner differentiation started at a point that is itself the outer input.
      const g = (x: m.Value) =>
        m.mul(x, derivative((y: m.Value) => m.add(x, y), innerEngine(), x) as m.Value);
      expect(derivative(g, outer(), 2)).toBe(1);
    });

    test.each(inner)('inner %s: d/dx [x · d/dy (x·y)] at y = 1 is 2x', (_i, innerEngine) => {
      const f = (x: m.Value) =>
        m.mul(x, derivative((y: m.Value) => m.mul(x, y), innerEngine(), 1) as m.Value);
      expect(derivative(f, outer(), 3)).toBe(6);
    });
  });
});

test('no operator mutates x, its seeds or its constants', () => {
  const x = { v: vec(0.7, -1.3, 0.4), s: 0.5 };
  const k = matrix([[1, 2, 3]]);
  const seeds = [{ v: vec(1, 0, 2), s: 1 }];
  const before = deepCopy({ x, k, seeds });
  const f = (p: { v: m.Value; s: m.Value }, k: NDArray) => m.mul(p.s, m.sum(m.matvec(k, m.square(p.v))));
  const vf = (p: { v: m.Value; s: m.Value }, k: NDArray) => m.mul(p.s, m.matvec(k, m.square(p.v)));
  for (const backend of [tape(), dual()]) {
    gradient(f, backend, x, constant(k));
    jacobian(vf, backend, x, constant(k));
    pushforward(vf, backend, x, seeds, constant(k));
    pullback(vf, backend, x, [vec(2)], constant(k));
    hessian(f, backend, x, constant(k));
    hvp(f, backend, x, seeds, constant(k));
  }
  expect({ x, k, seeds }).toStrictEqual(before);
});

describe('object keys in another order are the same structure', () => {
  const f = (p: { a: m.Value; b: m.Value }) => m.add(m.mul(3, p.a), m.sum(m.square(p.b)));
  const x = { a: 2, b: Float64Array.of(1, -1) };

  test('a tangent or a prepared call with reordered keys is matched by key', () => {
    const [jvp] = pushforward(f, tape(), x, [{ b: Float64Array.of(1, 0), a: 1 }]);
    // J·t = 3·1 + 2·b₀·1 = 5
    expect(jvp).toBe(5);
    const prep = prepareGradient(f, tape(), x);
    const g = prep.gradient({ b: Float64Array.of(2, 3), a: 0 });
    expect(g.a).toBe(3);
    expect(Array.from(g.b)).toEqual([4, 6]);
  });
});
