/**
 * The fallback chain picks what an engine does best: for an engine declaring both pushforward
 * and pullback, a Jacobian is built by pullbacks when it declares reverse mode and by
 * pushforwards when it declares forward mode; pushforward, pullback and gradient use the
 * engine's own pushforward or pullback. And a non-scalar output is refused by the name of the
 * operator the user called.
 */
import {
  type Engine,
  NonScalarOutputError,
  gradient,
  gradientAndHvp,
  hessian,
  hvp,
  jacobian,
  pullback,
  pushforward,
  secondOrder,
  valueAndGradient,
} from '@diffint/core';
import { forward } from '@diffint/forward';
import * as m from '@diffint/core/math';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';
import { expectClose, matrix } from './support/compare.js';

const vec = (...xs: number[]) => Float64Array.of(...xs);

/** An engine with both directions (the tape's pullback, forward's pushforward), counting calls. */
function both(mode: 'forward' | 'reverse') {
  const reverse = tape();
  const ahead = forward({ chunk: 1 });
  const calls = { pushforward: 0, pullback: 0 };
  /** The results each pushforward was told are read (`undefined`: all of them). */
  const reads: (Parameters<NonNullable<Engine['pushforward']>>[4] | undefined)[] = [];
  const engine: Engine = {
    kind: 'engine',
    name: 'both',
    precision: 'float64',
    mode,
    pushforward: (f, xs, tangents, key, read) => {
      calls.pushforward++;
      reads.push(read);
      return ahead.pushforward!(f, xs, tangents, key, read);
    },
    pullback: (f, xs, cotangents, key) => {
      calls.pullback++;
      return reverse.pullback!(f, xs, cotangents, key);
    },
  };
  return { engine, calls, reads };
}

// f(x) = (x₀x₁, x₀ + 2x₁): J = [[x₁, x₀], [1, 2]]
const f = (x: m.Value) =>
  m.stack([m.mul(m.get(x, 0), m.get(x, 1)), m.add(m.get(x, 0), m.mul(2, m.get(x, 1)))]);
const x = vec(3, 5);
const J = matrix([
  [5, 3],
  [1, 2],
]);

describe('routes of the fallback chain', () => {
  test('a Jacobian by pullbacks for a reverse-mode engine', () => {
    const { engine, calls } = both('reverse');
    expectClose(jacobian(f, engine, x), J);
    expect(calls).toEqual({ pushforward: 0, pullback: 1 });
  });

  test('a Jacobian by pushforwards for a forward-mode engine', () => {
    const { engine, calls } = both('forward');
    expectClose(jacobian(f, engine, x), J);
    expect(calls.pullback).toBe(0);
    expect(calls.pushforward).toBeGreaterThan(0);
  });

  test("pushforward uses the engine's pushforward, even in reverse mode", () => {
    const { engine, calls } = both('reverse');
    expectClose(pushforward(f, engine, x, [vec(1, 0)]), [vec(5, 1)]);
    expect(calls).toEqual({ pushforward: 1, pullback: 0 });
  });

  test("pullback and gradient use the engine's pullback, even in forward mode", () => {
    const { engine, calls } = both('forward');
    expectClose(pullback(f, engine, x, [vec(1, 0)]), [vec(5, 3)]);
    // ∇ (x₀x₁) = (x₁, x₀)
    expectClose(
      gradient((v: m.Value) => m.mul(m.get(v, 0), m.get(v, 1)), engine, x),
      vec(5, 3),
    );
    expect(calls).toEqual({ pushforward: 0, pullback: 2 });
  });
});

describe('a non-scalar output is refused by the operator called', () => {
  const vector = (v: m.Value) => m.mul(v, 2);
  const pair = (v: m.Value) => [m.sum(v), m.sum(v)];
  test.each([
    ['hessian', () => hessian(vector, tape(), x)],
    ['hvp', () => hvp(vector, tape(), x, [vec(1, 0)])],
  ])('%s', (name, call) => {
    expect(call).toThrow(NonScalarOutputError);
    expect(call).toThrow(
      new RegExp(`^${name} needs f to return a scalar, but it returned a value of shape \\[2\\]`),
    );
  });

  test('two outputs are counted as the shape', () => {
    expect(() => gradient(pair as never, tape(), x)).toThrow(/returned a value of shape \[2\]/);
  });
});

/** The tape, declaring an hvp of its own (by core's operators on one vector leaf), counting calls. */
function withHvp() {
  const t = tape();
  const calls = { hvp: 0 };
  const engine: Engine = {
    kind: 'engine',
    name: 'tape-with-hvp',
    precision: 'float64',
    mode: 'reverse',
    pullback: (f, xs, cotangents, key) => t.pullback!(f, xs, cotangents, key),
    hvp: (f, xs, tangents) => {
      calls.hvp++;
      const g = (v: m.Value) => f([v])[0]!;
      const [y, grad] = valueAndGradient(g, tape(), xs[0] as Float64Array);
      const results = hvp(
        g,
        tape(),
        xs[0] as Float64Array,
        tangents.map((t) => t[0] as Float64Array),
      );
      return { y, gradient: [grad], results: results.map((r) => [r]) };
    },
  };
  return { engine, calls };
}

describe("an engine's own hvp", () => {
  // g(x) = x₀²x₁: ∇g = (2x₀x₁, x₀²), H = [[2x₁, 2x₀], [2x₀, 0]]
  const g = (v: m.Value) => m.mul(m.square(m.get(v, 0)), m.get(v, 1));
  const H = matrix([
    [10, 6],
    [6, 0],
  ]);

  test('is what hessian and hvp use', () => {
    const { engine, calls } = withHvp();
    expectClose(hessian(g, engine, x), H);
    expectClose(hvp(g, engine, x, [vec(1, 0)]), [vec(10, 6)]);
    expect(calls.hvp).toBe(2);
  });

  test('gives the empty Hessian of an empty x', () => {
    const { engine } = withHvp();
    const h = hessian((v: m.Value) => m.sum(v), engine, new Float64Array(0)) as { shape: readonly number[] };
    expect(h.shape).toEqual([0, 0]);
  });
});

describe('an x with no elements', () => {
  test.each([
    ['tape', tape],
    ['forward', forward],
  ])('has a Jacobian with no columns (%s)', (_n, engine) => {
    const J = jacobian((_x: m.Value[]) => vec(1, 2), engine(), [] as number[]) as {
      shape: readonly number[];
    };
    expect(J.shape).toEqual([2, 0]);
  });
});

describe('second order over an outer engine with both directions', () => {
  // g(x) = x₀²x₁ at (3, 5): ∇g = (30, 9), H = [[10, 6], [6, 0]]
  const g = (v: m.Value) => m.mul(m.square(m.get(v, 0)), m.get(v, 1));
  const H = matrix([
    [10, 6],
    [6, 0],
  ]);

  test('a forward-mode outer engine builds the Hessian by columns, with the value inside them', () => {
    const outer = both('forward');
    const inner = both('reverse');
    expectClose(hessian(g, secondOrder(outer.engine, inner.engine), x), H);
    // One pushforward per column (chunk 1), each running the inner gradient once; no separate
    // evaluation of the gradient at x.
    expect(outer.calls.pushforward).toBe(2);
    expect(outer.calls.pullback).toBe(0);
    expect(inner.calls.pullback).toBe(2);
  });

  test('a reverse-mode outer engine builds the Hessian by pullbacks of the gradient', () => {
    const outer = both('reverse');
    const inner = both('reverse');
    expectClose(hessian(g, secondOrder(outer.engine, inner.engine), x), H);
    expect(outer.calls.pushforward).toBe(0);
    // One pullback of the gradient for both rows (a batch of cotangents), which runs the inner
    // gradient once, and the gradient at x itself.
    expect(outer.calls.pullback).toBe(1);
    expect(inner.calls.pullback).toBe(2);
  });

  test('hvp reads only the products; gradientAndHvp reads the gradient and the value too', () => {
    const outer = both('forward');
    const pair = secondOrder(outer.engine, tape());
    expectClose(hvp(g, pair, x, [vec(1, 0)]), [vec(10, 6)]);
    expect(outer.reads).toEqual([{ ys: [false, false], tangents: [true, false] }]);
    outer.reads.length = 0;
    const [grad, products] = gradientAndHvp(g, pair, x, [vec(0, 1)]);
    expectClose(grad, vec(30, 9));
    expectClose(products, [vec(6, 0)]);
    expect(outer.reads).toEqual([{ ys: [true, true], tangents: [true, false] }]);
  });
});
