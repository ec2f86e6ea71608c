/**
 * customRule and differentiateWith on the float64 engines: tape, forward, finite differences and
 * their second-order pairs. References are hand-written derivatives.
 */
import {
  type Backend,
  InvalidInputError,
  NDArray,
  ShapeMismatchError,
  UnsupportedOperatorError,
  constant,
  customRule,
  derivative,
  differentiateWith,
  gradient,
  hessian,
  jacobian,
  prepareGradient,
  secondOrder,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { finiteDiff } from '@diffint/finite-diff';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';
import { forward } from '../src/index.js';
import { expectClose, matrix } from './helpers.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** log(1 + eˣ), whose naive derivative eˣ / (1 + eˣ) is ∞/∞ = NaN for large x; the rule's is σ(x). */
const softplus: (x: m.Value) => m.Value = customRule((x: m.Value) => m.log(m.add(1, m.exp(x))), {
  name: 'softplus',
  jvp: ([x], [t]) => [softplus(x), m.mul(t, m.sigmoid(x))],
  vjp: ([x], ct) => [m.mul(ct, m.sigmoid(x))],
});
const naiveSoftplus = (x: m.Value) => m.log(m.add(1, m.exp(x)));

/** The identity with a derivative of 2 (a rule that differs visibly from f's own derivative). */
const doubled = customRule((x: m.Value) => x, {
  name: 'doubled',
  jvp: ([x], [t]) => [x, m.mul(2, t)],
  vjp: (_p, ct) => [m.mul(2, ct)],
});

/** a·sin(b) with only a JVP: reverse mode transposes it. */
const aSinB = customRule((a: m.Value, b: m.Value) => m.mul(a, m.sin(b)), {
  name: 'aSinB',
  jvp: ([a, b], [ta, tb]) => [m.mul(a, m.sin(b)), m.add(m.mul(ta, m.sin(b)), m.mul(m.mul(a, m.cos(b)), tb))],
});

/** x³ with only a VJP: forward mode transposes it. */
const cube = customRule((x: m.Value) => m.mul(x, m.square(x)), {
  name: 'cube',
  vjp: ([x], ct) => [m.mul(ct, m.mul(3, m.square(x)))],
});

const engines: [string, () => Backend][] = [
  ['tape', () => tape()],
  ['forward', () => forward()],
  ['tape (interpreted)', () => tape({ codegen: false })],
];

const xs = Float64Array.of(800, -3, 0.5, 40);

describe.each(engines)('customRule on %s', (_name, make) => {
  test('the rule, not f, gives the derivative: σ(x) where the naive one is NaN', () => {
    const b = make();
    const f = (x: m.Value) => m.sum(softplus(x));
    // Twice: the second call runs compiled code on the tape and forward engines.
    for (let k = 0; k < 2; k++) expectClose(gradient(f, b, xs), xs.map(sigmoid), 1e-15);
    // differentiated naively, ∞ · 1/∞ is taken as 0 (a strong zero): visibly not σ(800) = 1
    expect(gradient((x: m.Value) => m.sum(naiveSoftplus(x)), b, xs)[0]).toBe(0);
    expect(derivative((x: m.Value) => doubled(m.square(x)), b, 3)).toBe(12);
  });

  test('a scalar path: numbers in and out', () => {
    const b = make();
    expectClose(
      derivative((x: m.Value) => m.mul(softplus(x), x), b, 2),
      Math.log1p(Math.exp(2)) + 2 * sigmoid(2),
    );
  });

  test('only a jvp: reverse mode transposes it; only a vjp: forward mode transposes it', () => {
    const b = make();
    const a = Float64Array.of(1, -2, 0.5);
    const bb = Float64Array.of(0.3, 1.1, -0.7);
    const g = gradient((p: { a: m.Value; b: m.Value }) => m.sum(aSinB(p.a, p.b)), b, { a, b: bb });
    expectClose(g.a, bb.map(Math.sin));
    expectClose(
      g.b,
      bb.map((v, i) => a[i]! * Math.cos(v)),
    );
    const x = Float64Array.of(1.5, -2, 0.25);
    expectClose(
      jacobian((x: m.Value) => cube(x), b, x).data,
      matrix(3, 3, (i, j) => (i === j ? 3 * x[i]! ** 2 : 0)),
    );
  });

  test('the rule runs at the values of this call (closures over a mutated cache stay live)', () => {
    const b = make();
    const scale = new Float64Array(1);
    const scaled = customRule((x: m.Value) => m.mul(x, scale[0]!), {
      vjp: (_p, ct) => [m.mul(ct, scale[0]!)],
      jvp: ([x], [t]) => [m.mul(x, scale[0]!), m.mul(t, scale[0]!)],
    });
    const f = (x: m.Value) => m.sum(scaled(x));
    for (const s of [2, 5, -1]) {
      scale[0] = s;
      expectClose(gradient(f, b, Float64Array.of(1, 2)), [s, s]);
    }
  });
});

describe('customRule: second order with portable-math rules', () => {
  const x = Float64Array.of(0.3, -1.2, 2);
  const f = (x: m.Value) => m.sum(m.mul(softplus(x), x));
  // ∂²/∂xᵢ² [xᵢ softplus(xᵢ)] = 2σ(xᵢ) + xᵢ σ(xᵢ)(1 − σ(xᵢ))
  const diag = x.map((v) => 2 * sigmoid(v) + v * sigmoid(v) * (1 - sigmoid(v)));
  const expected = matrix(3, 3, (i, j) => (i === j ? diag[i]! : 0));
  test.each([
    ['forward over tape', () => secondOrder(forward(), tape())],
    ['tape over tape', () => secondOrder(tape(), tape())],
    ['forward over forward', () => secondOrder(forward(), forward())],
  ])('%s', (_name, make) => {
    const b = make();
    for (let k = 0; k < 2; k++) expectClose(hessian(f, b, x).data, expected, 1e-13);
  });

  test('a jvp-only rule, transposed, differentiates again (tape over tape)', () => {
    // ∂²/∂b² Σ a sin b = -a sin b on the diagonal
    const a = Float64Array.of(1, 2);
    const h = hessian(
      (b: m.Value) => m.sum(aSinB(constantA(a), b)),
      secondOrder(forward(), tape()),
      Float64Array.of(0.5, -1),
    );
    expectClose(
      h.data,
      matrix(2, 2, (i, j) => (i === j ? -a[i]! * Math.sin([0.5, -1][i]!) : 0)),
    );
  });
});

/** The same array every call, as an enclosed constant. */
const constantA = (a: Float64Array) => a;

describe('customRule: rules that are wrong are refused with a typed error', () => {
  const wrongShape = customRule((x: m.Value) => m.sum(x), {
    name: 'total',
    vjp: (_p, ct) => [m.mul(ct, Float64Array.of(1, 1))],
    jvp: ([x], [t]) => [m.sum(x), t],
  });
  const x = Float64Array.of(1, 2, 3);

  test('a vjp cotangent of the wrong shape names the rule, the argument and both shapes', () => {
    const e = catchError(() => gradient((x: m.Value) => wrongShape(x), tape(), x));
    expect(e).toBeInstanceOf(ShapeMismatchError);
    expect(e.message).toContain("customRule 'total'");
    expect(e.message).toContain('vjp rule returned cotangent 0 of shape [2]');
    expect(e.message).toContain('primal 0 has shape [3]');
  });

  test('a jvp tangent of the wrong shape is refused in forward mode', () => {
    const e = catchError(() => gradient((x: m.Value) => wrongShape(x), forward(), x));
    expect(e).toBeInstanceOf(ShapeMismatchError);
    expect(e.message).toContain('jvp rule returned the tangent of y');
    expect(e.message).toContain("f's output has shape []");
  });

  test('a vjp returning the wrong number of cotangents', () => {
    const two = customRule((a: m.Value, b: m.Value) => m.mul(a, b), {
      name: 'product',
      vjp: ([, b], ct) => [m.mul(ct, b)],
    });
    const e = catchError(() => gradient((p: m.Value[]) => two(p[0]!, p[1]!), tape(), [2, 3]));
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.message).toContain("customRule 'product': its vjp rule returned 1 values for 2 primals");
  });

  test('a jvp that is not linear in its tangents cannot be transposed: reverse mode names the fix', () => {
    const bad = customRule((x: m.Value) => m.square(x), {
      name: 'sq',
      jvp: ([x], [t]) => [m.square(x), m.square(t)],
    });
    const e = catchError(() => gradient((x: m.Value) => m.sum(bad(x)), tape(), x));
    expect(e).toBeInstanceOf(UnsupportedOperatorError);
    expect(e.message).toContain("customRule 'sq', which states only a jvp rule");
    expect(e.message).toContain('customRule(f, { jvp, vjp })');
    // forward mode uses the jvp as it is
    expectClose(
      gradient((x: m.Value) => m.sum(bad(x)), forward(), Float64Array.of(1, 0)),
      [1, 1],
    );
  });

  test('a plain-JS vjp works at first order and is refused, naming it, at second order', () => {
    const plainJs = customRule((x: m.Value) => m.exp(x), {
      name: 'plainExp',
      vjp: ([x], ct) => [Math.exp(x as number) * (ct as number)],
    });
    expect(derivative((x: m.Value) => plainJs(x), tape(), 1)).toBeCloseTo(Math.E, 14);
    const e = catchError(() =>
      hessian((x: m.Value) => m.sum(plainJs(x)), secondOrder(forward(), tape()), Float64Array.of(1)),
    );
    expect(e).toBeInstanceOf(UnsupportedOperatorError);
    expect(e.message).toContain("the vjp rule of customRule 'plainExp'");
    // only a plain-JS vjp: forward mode cannot transpose it
    expect(() => derivative((x: m.Value) => plainJs(x), forward(), 1)).toThrow(UnsupportedOperatorError);
  });

  test('f that encloses a traced value is refused: its derivative would be missed', () => {
    const e = catchError(() =>
      derivative(
        (p: m.Value) => customRule((x: m.Value) => m.mul(x, p), { jvp: ([x], [t]) => [x, t] })(2),
        forward(),
        1,
      ),
    );
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.message).toContain('Pass that value as an argument');
  });
});

/** One explicit Euler step of u′ᵢ = −uᵢ³ + ½ uᵢ₋₁ (cyclic), in plain JS over a scratch array. */
const dt = 0.1;
const scratch = new Float64Array(4);
/** The arrays eulerStep was given, while recorded. */
const seen: unknown[] = [];
let recording = true;
function eulerStep(u: Float64Array): Float64Array {
  if (recording) seen.push(u);
  const n = u.length;
  for (let i = 0; i < n; i++) scratch[i] = u[i]! + dt * (-(u[i]! ** 3) + 0.5 * u[(i + n - 1) % n]!);
  return scratch;
}
function eulerJacobian(u: Float64Array): Float64Array {
  const n = u.length;
  return matrix(
    n,
    n,
    (i, j) => (i === j ? 1 - 3 * dt * u[i]! ** 2 : 0) + (j === (i + n - 1) % n ? 0.5 * dt : 0),
  );
}

describe.each([
  ['tape', () => tape()],
  ['forward', () => forward()],
  ['finiteDiff', () => finiteDiff()],
])('differentiateWith(finiteDiff()) inside %s', (_name, make) => {
  const step = differentiateWith(eulerStep, finiteDiff());
  const u = Float64Array.of(0.5, -1, 0.8, 0.2);

  test('the Jacobian of a black-box ODE step, and of a loss through it', () => {
    const b = make();
    seen.length = 0;
    for (let k = 0; k < 2; k++)
      expectClose(jacobian((u: m.Value) => step(u), b, u).data, eulerJacobian(u), 1e-8);
    // every evaluation got its own plain array
    expect(seen.length).toBeGreaterThan(4);
    expect(seen.every((a) => a instanceof Float64Array)).toBe(true);
    expect(new Set(seen).size).toBe(seen.length);
    const y = eulerStep(u).slice();
    const J = eulerJacobian(u);
    const g = gradient((u: m.Value) => m.sum(m.square(step(u))), b, u);
    expectClose(
      g,
      u.map((_, j) => y.reduce((s, yi, i) => s + 2 * yi * J[i * 4 + j]!, 0)),
      1e-8,
    );
    expect(u).toEqual(Float64Array.of(0.5, -1, 0.8, 0.2));
  });

  test('constants are passed through to f and to the backend', () => {
    const b = make();
    const scaledStep = differentiateWith(
      (u: Float64Array, c: number, w: Float64Array) => u.map((v, i) => c * w[i]! * Math.sin(v)),
      finiteDiff(),
    );
    const w = Float64Array.of(1, 2, 3, 4);
    const g = gradient((u: m.Value) => m.sum(scaledStep(u, constant(3), constant(w))), b, u);
    expectClose(
      g,
      u.map((v, i) => 3 * w[i]! * Math.cos(v)),
      1e-8,
    );
  });
});

describe('differentiateWith: second order and nesting', () => {
  const cubes = differentiateWith((x: Float64Array) => x.map((v) => v ** 3), finiteDiff());
  const x = Float64Array.of(0.5, -1.5, 2);
  const expected = matrix(3, 3, (i, j) => (i === j ? 6 * x[i]! : 0));

  test.each([
    ['forward over tape', () => secondOrder(forward(), tape())],
    ['tape over tape', () => secondOrder(tape(), tape())],
  ])('a Hessian through a black box: %s (the rules are differentiated by the backend again)', (_n, make) => {
    expectClose(hessian((x: m.Value) => m.sum(cubes(x)), make(), x).data, expected, 1e-4);
  });

  test('another engine as the backend: forward mode for a portable-math piece inside the tape', () => {
    const piece = differentiateWith((x: Float64Array) => m.mul(m.sin(x), x) as Float64Array, forward());
    const g = gradient((x: m.Value) => m.sum(piece(x)), tape(), x);
    expectClose(
      g,
      x.map((v) => Math.sin(v) + v * Math.cos(v)),
      1e-14,
    );
  });

  test('a black box given an AD engine as its backend is refused by that engine', () => {
    const bad = differentiateWith((x: Float64Array) => x.map(Math.exp), tape());
    const e = catchError(() => gradient((x: m.Value) => m.sum(bad(x)), forward(), x));
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.message).toContain('f failed on the traced values the tape backend runs it on');
  });

  test('a constant holding a traced value is refused', () => {
    const e = catchError(() => derivative((p: m.Value) => cubes(Float64Array.of(1), constant(p)), tape(), 2));
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.message).toContain('constant 1 holds a traced value');
  });
});

// The heap is Node's to measure (a browser run skips this).
const nodeMemory = typeof process !== 'undefined' && typeof process.memoryUsage === 'function';
describe.runIf(nodeMemory)('memory', () => {
  test('a loop of prepared gradients through custom rules does not grow the heap', () => {
    recording = false;
    const step = differentiateWith(eulerStep, finiteDiff());
    const f = (u: m.Value) => m.add(m.sum(softplus(u)), m.sum(m.square(step(u))));
    const u = Float64Array.of(0.5, -1, 0.8, 0.2);
    const prep = prepareGradient(f, tape(), u);
    const out = new Float64Array(4);
    const gc = (globalThis as { gc?: () => void }).gc;
    const run = (n: number) => {
      for (let k = 0; k < n; k++) prep.gradientInto(out, u);
    };
    run(200);
    gc?.();
    const before = process.memoryUsage().heapUsed;
    run(2000);
    gc?.();
    const after = process.memoryUsage().heapUsed;
    recording = true;
    expect(after - before).toBeLessThan(gc ? 2_000_000 : 50_000_000);
  });
});

describe('NDArray arguments and results', () => {
  test('a matrix function with a custom VJP', () => {
    const gram = customRule((a: m.Value) => m.matmul(a, m.transpose(a)), {
      name: 'gram',
      vjp: ([a], ct) => [m.matmul(m.add(ct, m.transpose(ct)), a)],
    });
    const a = new NDArray(Float64Array.of(1, 2, 3, 4, 5, 6), [2, 3]);
    const g = gradient((a: m.Value) => m.sum(gram(a)), tape(), a);
    // d/dA Σᵢⱼ (AAᵀ)ᵢⱼ = (1 + 1ᵀ) A = 2 · 1 · A: every row is twice the column sums of A
    const colSums = [5, 7, 9];
    expectClose(
      g.data,
      [...colSums, ...colSums].map((s) => 2 * s),
    );
  });
});

function catchError(body: () => unknown): Error {
  try {
    body();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}
