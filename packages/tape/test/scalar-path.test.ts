/**
 * The tape's scalar path and its bookkeeping: partials of constant arguments, strong zeros in the
 * reverse sweep, scalar slots meeting array ops and buffers, outputs that are inputs or values of
 * an outer differentiation, and what the engine reports about its last run. References are
 * analytic derivatives.
 */
import {
  TraceEscapedError,
  buffer,
  derivative,
  gradient,
  jacobian,
  prepareDerivative,
  prepareJacobian,
  valueAndDerivative,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { describe, expect, test } from 'vitest';
import { tape } from '../src/index.js';

const vec = (...xs: number[]) => Float64Array.of(...xs);

describe('the engine', () => {
  test('declares itself as reverse mode in float64', () => {
    const e = tape();
    expect(e.kind).toBe('engine');
    expect(e.name).toBe('tape');
    expect(e.mode).toBe('reverse');
    expect(e.precision).toBe('float64');
  });

  test('scalar code alone records scalar records and runs no compiled program', () => {
    const e = tape();
    // x·sin x: two scalar records.
    for (let i = 0; i < 3; i++) {
      expect(derivative((x: m.Value) => m.mul(x, m.sin(x)), e, 2)).toBeCloseTo(
        Math.sin(2) + 2 * Math.cos(2),
        14,
      );
      expect(e.lastTapeLength).toBe(2);
      expect(e.lastRunCompiled).toBe(false);
    }
  });

  test('array ops on scalar slots are equations beside the scalar records', () => {
    const e = tape();
    // sum(stack(x, x²)) = x + x² → 1 + 2x. Records: x·x (scalar); stack is a reshape of each
    // part and a concat, then the sum: four equations.
    expect(derivative((x: m.Value) => m.sum(m.stack([x, m.mul(x, x)])), e, 3)).toBe(7);
    expect(e.lastTapeLength).toBe(5);
  });
});

describe('partials on the scalar path', () => {
  test('a plain-number argument on either side contributes no partial', () => {
    // 2·sin x + sin x·3 → 5 cos x
    const f = (x: m.Value) => m.add(m.mul(2, m.sin(x)), m.mul(m.sin(x), 3));
    for (const x of [0.3, 2]) expect(derivative(f, tape(), x)).toBeCloseTo(5 * Math.cos(x), 14);
  });

  test('a piecewise-constant op contributes nothing', () => {
    // x² + sign(x) → 2x
    expect(derivative((x: m.Value) => m.add(m.mul(x, x), m.sign(x)), tape(), 1.5)).toBe(3);
  });

  test('a zero adjoint times an infinite partial is zero, on either argument', () => {
    // √x · 0 and (1/x) · 0 at x = 0: the infinite partial of √ or of 1/x meets a zero adjoint.
    expect(derivative((x: m.Value) => m.mul(m.sqrt(x), 0), tape(), 0)).toBe(0);
    expect(derivative((x: m.Value) => m.mul(m.div(1, x), 0), tape(), 0)).toBe(0);
  });

  test('an infinite adjoint times a zero partial is zero, on either argument', () => {
    // √(x·0) and 1/(0·x) at x = 1: the infinite adjoint of x·0 meets its zero partial.
    expect(derivative((x: m.Value) => m.sqrt(m.mul(x, 0)), tape(), 1)).toBe(0);
    expect(derivative((x: m.Value) => m.div(1, m.mul(0, x)), tape(), 1)).toBe(0);
  });

  test('a NaN partial with a non-zero adjoint stays NaN, on either argument', () => {
    expect(derivative((x: m.Value) => m.sqrt(x), tape(), -1)).toBeNaN();
    expect(derivative((x: m.Value) => m.mul(Number.NaN, x), tape(), 1)).toBeNaN();
  });
});

describe('scalar slots meeting arrays and buffers', () => {
  test('scalar inputs beside an array input in one parameter struct', () => {
    // a·b + Σ v² → (b, a, 2v)
    const f = (p: { a: m.Value; b: m.Value; v: m.Value }) => m.add(m.mul(p.a, p.b), m.sum(m.square(p.v)));
    const g = gradient(f, tape(), { a: 2, b: 3, v: vec(1, 2) });
    expect(g).toEqual({ a: 3, b: 2, v: vec(2, 4) });
  });

  test('a packed scalar read back from a buffer into an array op', () => {
    // b₀ ← 2x; Σ b₀·(1, 1) = 4x → 4
    const b = buffer(1);
    const f = (x: m.Value) => {
      b.set(0, m.mul(x, 2));
      return m.sum(m.mul(b.get(0), vec(1, 1)));
    };
    expect(derivative(f, tape(), 1.5)).toBe(4);
    expect(b.read()).toEqual(vec(3));
  });

  test('value() of the input itself is its primal, a constant', () => {
    // x·value(x) → value(x) = 3
    expect(derivative((x: m.Value) => m.mul(x, m.value(x)), tape(), 3)).toBe(3);
    expect(valueAndDerivative((x: m.Value) => x, tape(), 3)).toEqual([3, 1]);
  });
});

describe('outputs', () => {
  test('an output that is the array input itself', () => {
    const J = jacobian((x: m.Value) => x, tape(), vec(1, 2)) as { data: Float64Array };
    expect(Array.from(J.data)).toEqual([1, 0, 0, 1]);
  });

  test('an inner output that is a value of the outer differentiation has a zero inner gradient', () => {
    // F(x) = Σx + Σ ∇_y (Σx) = Σx → ∇F = (1, 1, 1)
    const F = (x: m.Value) => {
      const inner = gradient((_y: m.Value) => m.sum(x), tape(), vec(1, 2)) as m.Value;
      return m.add(m.sum(x), m.sum(inner));
    };
    expect(gradient(F, tape(), vec(0.5, 1, 2))).toEqual(vec(1, 1, 1));
  });
});

describe('long recordings of one preparation, call after call', () => {
  // Long enough that the columns and the adjoints take memory of their own, which the
  // preparation hands from one call to the next.
  const run = (steps: number) => (x: m.Value) => {
    let s: m.Value = x;
    let t: m.Value = 0;
    for (let i = 0; i < steps; i++) {
      const w = 1 + (i % 5) / 5;
      s = m.add(s, m.sin(m.mul(w, x)));
      t = m.add(t, m.mul(m.cos(m.mul(w, x)), 0.5));
    }
    return [s, t];
  };
  /** d/dx of the two outputs, in plain JS. */
  const want = (steps: number, x: number) => {
    let ds = 1;
    let dt = 0;
    for (let i = 0; i < steps; i++) {
      const w = 1 + (i % 5) / 5;
      ds += w * Math.cos(w * x);
      dt += -0.5 * w * Math.sin(w * x);
    }
    return [ds, dt];
  };

  test('each call, of whatever length, gets its own derivatives (two rows: two backward passes)', () => {
    let steps = 0;
    const f = (x: m.Value) => run(steps)(x);
    const p = prepareJacobian(f, tape(), 0.3);
    for (const [k, x] of [
      [3000, 0.3],
      [3000, 0.7],
      [1200, 0.7],
      [6000, -0.2],
      [3000, 0.3],
      [10, 0.3],
      [6000, 1.1],
    ] as const) {
      steps = k;
      const J = p.jacobian(x);
      const [ds, dt] = want(k, x) as [number, number];
      expect(J.data[0]).toBeCloseTo(ds, 9);
      expect(J.data[1]).toBeCloseTo(dt, 9);
    }
  });

  test('a tracer kept from an earlier call is refused, not read from memory a later call reused', () => {
    let kept: m.Value | null = null;
    const f = (x: m.Value) => {
      const [s] = run(3000)(x) as [m.Value, m.Value];
      kept ??= s;
      return s;
    };
    const p = prepareDerivative(f, tape(), 0.3);
    p.derivative(0.3);
    p.derivative(0.9);
    expect(() => m.value(kept!)).toThrow(TraceEscapedError);
  });
});
