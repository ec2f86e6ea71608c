/**
 * Custom rules that read their primals, and black boxes: their VJP cannot be staged into a
 * backward program, so the tape runs the rules on values (its eager path). First and second
 * order, nested in and around other differentiations, with scalar and array primals, constants
 * and buffers. References are hand-written derivatives.
 */
import {
  NDArray,
  buffer,
  constant,
  customRule,
  derivative,
  differentiateWith,
  gradient,
  hessian,
  jacobian,
  pullback,
  secondOrder,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { finiteDiff } from '@diffint/finite-diff';
import { describe, expect, test } from 'vitest';
import { tape } from '../src/index.js';

const vec = (...xs: number[]) => Float64Array.of(...xs);
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
const softplusOf = (x: number) => Math.log1p(Math.exp(x));

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-14): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    expect(Math.abs(actual[i]! - e), `element ${i}: ${actual[i]} vs ${e}`).toBeLessThanOrEqual(
      tol * Math.max(1, Math.abs(e)),
    );
  }
}

/** The n × n matrix with entries e(i, j), row-major. */
const matrix = (n: number, e: (i: number, j: number) => number) =>
  Float64Array.from({ length: n * n }, (_, k) => e(Math.floor(k / n), k % n));

/** log(1 + eˣ): the rules read the primal x (σ(x)), in portable math, so second order works. */
const softplus: (x: m.Value) => m.Value = customRule((x: m.Value) => m.log(m.add(1, m.exp(x))), {
  name: 'softplus',
  jvp: ([x], [t]) => [softplus(x), m.mul(t, m.sigmoid(x))],
  vjp: ([x], ct) => [m.mul(ct, m.sigmoid(x))],
});

/** c·eˣ of an array x and a second argument c, both primals read by the vjp. */
const scaledExp = customRule((x: m.Value, c: m.Value) => m.mul(c, m.exp(x)), {
  name: 'scaledExp',
  vjp: ([x, c], ct) => [m.mul(ct, m.mul(c, m.exp(x))), m.mul(ct, m.exp(x))],
});

/** eˣ with a rule in plain JS: it reads its primal as a number, so it runs at first order only. */
const plainExp = customRule((x: m.Value) => m.exp(x), {
  name: 'plainExp',
  vjp: ([x], ct) => [Math.exp(x as number) * (ct as number)],
});

describe('a custom rule reading its primal, on array inputs', () => {
  const x = vec(0.3, -1.2, 2, 40);

  test('the gradient is the rule’s, on every call, interpreted', () => {
    const e = tape();
    for (let k = 0; k < 3; k++) {
      expectClose(
        gradient((x: m.Value) => m.sum(softplus(x)), e, x),
        x.map(sigmoid),
      );
      // The rule runs on values: nothing is compiled, even for a structure seen before.
      expect(e.lastRunCompiled).toBe(false);
      // softplus and sum
      expect(e.lastTapeLength).toBe(2);
    }
    expect(x).toEqual(vec(0.3, -1.2, 2, 40));
  });

  test('an input used by the rule and by other ops: the adjoints add up', () => {
    // Σ x·softplus(x) → softplus(x) + x σ(x)
    const f = (x: m.Value) => m.sum(m.mul(softplus(x), x));
    for (let k = 0; k < 2; k++)
      expectClose(
        gradient(f, tape(), x),
        x.map((v) => softplusOf(v) + v * sigmoid(v)),
      );
  });

  test('the rule applied twice, in a chain and side by side', () => {
    // Σ softplus(softplus(x)) → σ(softplus(x)) σ(x); plus Σ softplus(x) → σ(x)
    const f = (x: m.Value) => m.add(m.sum(softplus(softplus(x))), m.sum(softplus(x)));
    expectClose(
      gradient(f, tape(), x),
      x.map((v) => sigmoid(softplusOf(v)) * sigmoid(v) + sigmoid(v)),
    );
  });

  test('only the ops after an input that is active are differentiated', () => {
    // A constant array through the rule, added to the active path: c·eᵃ is a constant.
    const a = vec(0.5, 1);
    const f = (x: m.Value) => m.sum(m.add(softplus(x), scaledExp(a, vec(2, 3))));
    expectClose(gradient(f, tape(), vec(0.1, -0.2)), [sigmoid(0.1), sigmoid(-0.2)]);
  });

  test('the Jacobian: one eager backward run per cotangent', () => {
    const x3 = vec(0.3, -1.2, 2);
    const J = jacobian((x: m.Value) => m.mul(softplus(x), 2), tape(), x3) as NDArray;
    expectClose(
      J.data,
      matrix(3, (i, j) => (i === j ? 2 * sigmoid(x3[i]!) : 0)),
    );
  });

  test('an output of f given twice: both cotangents reach it', () => {
    // f(x) = {a: y, b: y} with y = softplus(x); Jᵀ(c, d) = σ(x)(c + d)
    const f = (x: m.Value) => {
      const y = softplus(x);
      return { a: y, b: y };
    };
    const x2 = vec(0.5, -1);
    const [g] = pullback(f, tape(), x2, [{ a: vec(1, 2), b: vec(10, 20) }]) as [Float64Array];
    expectClose(g, [11 * sigmoid(0.5), 22 * sigmoid(-1)]);
  });

  test('outputs of f beside the rule’s: an input itself, a constant, and an inactive value', () => {
    // f(x) = [softplus(x), x, c]: Jᵀ(p, q, r) = σ(x) p + q
    const f = (x: m.Value) => [softplus(x), x, vec(7, 7)];
    const x2 = vec(0.5, -1);
    const [g] = pullback(f, tape(), x2, [[vec(1, 2), vec(3, 4), vec(5, 6)]]) as [Float64Array];
    expectClose(g, [sigmoid(0.5) + 3, 2 * sigmoid(-1) + 4]);
  });

  test('a matrix primal', () => {
    const a = new NDArray(vec(0.1, 0.2, -0.3, 0.4, 1.5, -2), [2, 3]);
    const g = gradient((a: m.Value) => m.sum(m.matmul(softplus(a), m.transpose(a))), tape(), a) as NDArray;
    // Σᵢⱼ Σₖ s(aᵢₖ) aⱼₖ: ∂/∂aᵢₖ = σ(aᵢₖ) Σⱼ aⱼₖ + Σⱼ s(aⱼₖ)
    const col = (k: number, f: (v: number) => number) => f(a.data[k]!) + f(a.data[3 + k]!);
    const expected = a.data.map((v, idx) => sigmoid(v) * col(idx % 3, (u) => u) + col(idx % 3, softplusOf));
    expect(g.shape).toEqual([2, 3]);
    expectClose(g.data, expected);
  });
});

describe('constants and several primals', () => {
  const x = vec(0.2, -0.5);

  test('an array constant as the rule’s second primal: no cotangent for it', () => {
    const c = vec(2, -3);
    const f = (x: m.Value) => m.sum(scaledExp(x, c));
    expectClose(gradient(f, tape(), x), [2 * Math.exp(0.2), -3 * Math.exp(-0.5)]);
    expect(c).toEqual(vec(2, -3));
  });

  test('a constant() context as the second primal', () => {
    const f = (x: m.Value, c: m.Value) => m.sum(scaledExp(x, c));
    expectClose(gradient(f, tape(), x, constant(vec(4, 5))), [4 * Math.exp(0.2), 5 * Math.exp(-0.5)]);
  });

  test('both primals active', () => {
    const f = (p: { x: m.Value; c: m.Value }) => m.sum(scaledExp(p.x, p.c));
    const g = gradient(f, tape(), { x, c: vec(2, 3) }) as { x: Float64Array; c: Float64Array };
    expectClose(g.x, [2 * Math.exp(0.2), 3 * Math.exp(-0.5)]);
    expectClose(g.c, [Math.exp(0.2), Math.exp(-0.5)]);
  });

  test('only the second primal active', () => {
    const f = (c: m.Value) => m.sum(scaledExp(x, c));
    expectClose(gradient(f, tape(), vec(2, 3)), [Math.exp(0.2), Math.exp(-0.5)]);
  });
});

describe('scalar primals', () => {
  test('a scalar input through the rule into array code', () => {
    // Σ softplus(x)·(1, 2) = 3 softplus(x) → 3σ(x)
    const f = (x: m.Value) => m.sum(m.mul(softplus(x), vec(1, 2)));
    for (const x of [0.3, -2]) expect(derivative(f, tape(), x)).toBeCloseTo(3 * sigmoid(x), 14);
  });

  test('a scalar slot both through the rule and on the scalar path', () => {
    // x² + softplus(x) + x·softplus(x) → 2x + σ(x) + softplus(x) + x σ(x)
    const f = (x: m.Value) => m.add(m.add(m.mul(x, x), softplus(x)), m.mul(x, softplus(x)));
    const x = 0.7;
    expect(derivative(f, tape(), x)).toBeCloseTo(2 * x + sigmoid(x) + softplusOf(x) + x * sigmoid(x), 14);
  });

  test('a plain-JS rule reading its scalar primal as a number', () => {
    expect(derivative((x: m.Value) => plainExp(x), tape(), 1)).toBeCloseTo(Math.E, 14);
    // two scalar inputs, one of them through the rule: eˣ·y → (eˣ y, eˣ)
    const g = gradient((p: m.Value[]) => m.mul(plainExp(p[0]!), p[1]!), tape(), [0.5, 3]) as number[];
    expect(g[0]).toBeCloseTo(Math.exp(0.5) * 3, 14);
    expect(g[1]).toBeCloseTo(Math.exp(0.5), 14);
  });
});

describe('buffers', () => {
  test('the rule’s output written to a buffer and read back', () => {
    const b = buffer(2);
    const f = (x: m.Value) => {
      b.set(0, m.get(softplus(x), 0));
      b.set(1, m.mul(m.get(softplus(x), 1), 3));
      return m.sum(m.square(b.read()));
    };
    const x = vec(0.4, -0.6);
    // Σ bᵢ² with b = (s(x₀), 3 s(x₁)) → (2 s(x₀) σ(x₀), 18 s(x₁) σ(x₁))
    for (let k = 0; k < 2; k++) {
      expectClose(gradient(f, tape(), x), [
        2 * softplusOf(0.4) * sigmoid(0.4),
        18 * softplusOf(-0.6) * sigmoid(-0.6),
      ]);
      expectClose(b.read() as Float64Array, [softplusOf(0.4), 3 * softplusOf(-0.6)]);
    }
  });

  test('a buffer holding the rule’s output that f does not return', () => {
    const b = buffer(2);
    const f = (x: m.Value) => {
      b.set(0, m.get(softplus(x), 1));
      return m.sum(x);
    };
    expectClose(gradient(f, tape(), vec(1, 2)), [1, 1]);
    expectClose(b.read() as Float64Array, [softplusOf(2), 0]);
  });
});

describe('second order', () => {
  const x = vec(0.3, -1.2, 2);
  // ∂²/∂xᵢ² [xᵢ softplus(xᵢ)] = 2σ(xᵢ) + xᵢ σ(xᵢ)(1 − σ(xᵢ))
  const f = (x: m.Value) => m.sum(m.mul(softplus(x), x));
  const diag = x.map((v) => 2 * sigmoid(v) + v * sigmoid(v) * (1 - sigmoid(v)));
  const expected = matrix(3, (i, j) => (i === j ? diag[i]! : 0));

  test.each([
    ['tape over tape', () => secondOrder(tape(), tape())],
    ['tape over tape, interpreted', () => secondOrder(tape({ codegen: false }), tape({ codegen: false }))],
  ])('the Hessian, %s', (_name, make) => {
    const b = make();
    for (let k = 0; k < 2; k++) expectClose((hessian(f, b, x) as NDArray).data, expected, 1e-13);
  });

  test('a gradient of a gradient, by nesting the operators', () => {
    // F(x) = Σ ∇f(x) = Σ softplus(x) + x σ(x); ∇F = 2σ + x σ(1 − σ)
    const F = (x: m.Value) => m.sum(gradient(f, tape(), x) as m.Value);
    expectClose(gradient(F, tape(), x), diag, 1e-13);
  });

  test('a scalar second derivative through the rule', () => {
    // d²/dx² softplus(x) = σ(x)(1 − σ(x))
    const d = (x: m.Value) => derivative((y: m.Value) => softplus(y), tape(), x);
    for (const x of [0.5, -3])
      expect(derivative(d, tape(), x)).toBeCloseTo(sigmoid(x) * (1 - sigmoid(x)), 14);
  });

  test('an inner gradient enclosing a value of the outer one', () => {
    // F(p) = Σ ∇ₓ Σ softplus(p·x) at x = (1, 2) = Σ p σ(p xᵢ); F′(p) = Σ σ(p xᵢ) + p xᵢ σ′(p xᵢ)
    const xs = vec(1, 2);
    const F = (p: m.Value) =>
      m.sum(gradient((x: m.Value) => m.sum(softplus(m.mul(p, x))), tape(), xs) as m.Value);
    const p = 0.4;
    const ds = (u: number) => sigmoid(u) * (1 - sigmoid(u));
    expect(derivative(F, tape(), p)).toBeCloseTo(
      [...xs].reduce((s, v) => s + sigmoid(p * v) + p * v * ds(p * v), 0),
      14,
    );
  });
});

describe('black boxes (differentiateWith)', () => {
  const cubes = differentiateWith((x: Float64Array) => x.map((v) => v ** 3), finiteDiff());
  const x = vec(0.5, -1.5, 2);

  test('a gradient through a black box and an op beside it', () => {
    // Σ x³ + Σ x² → 3x² + 2x
    const g = gradient((x: m.Value) => m.add(m.sum(cubes(x)), m.sum(m.square(x))), tape(), x);
    expectClose(
      g,
      x.map((v) => 3 * v * v + 2 * v),
      1e-7,
    );
  });

  test('the Hessian through a black box, tape over tape', () => {
    expectClose(
      (hessian((x: m.Value) => m.sum(cubes(x)), secondOrder(tape(), tape()), x) as NDArray).data,
      matrix(3, (i, j) => (i === j ? 6 * x[i]! : 0)),
      1e-4,
    );
  });
});
