/**
 * The tape's bookkeeping between its scalar columns, its recorded program and the outer
 * differentiations: outputs of every kind, adjoints that are part plain and part traced, traced
 * cotangents of a compiled program, what results may share with their arguments, and what is
 * computed by interpretation. References are analytic derivatives.
 */
import { NDArray, buffer, derivative, gradient, prepareGradient, pullback } from '@diffint/core';
import { ir, primitives } from '@diffint/core/engine';
import * as m from '@diffint/core/math';
import { describe, expect, test, vi } from 'vitest';
import { region } from '../src/memory.js';
import { compiledOf, newBuilt, plainOf } from '../src/programs.js';
import { tape } from '../src/index.js';

const vec = (...xs: number[]) => Float64Array.of(...xs);

/** Kernel calls made by `body` (interpreted ops; compiled code calls none of them). */
function kernelCalls(body: () => void): number {
  const spies = Object.values(primitives).map((q) =>
    vi.spyOn(q as { impl: (...args: never[]) => unknown }, 'impl'),
  );
  try {
    body();
    return spies.reduce((s, spy) => s + spy.mock.calls.length, 0);
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

describe('outputs of f', () => {
  test('a scalar slot and a program value side by side', () => {
    // f(p) = [a², Σ v²]: Jᵀ(c, d) = (2a c, 2v d)
    const f = (p: { a: m.Value; v: m.Value }) => [m.mul(p.a, p.a), m.sum(m.square(p.v))];
    for (let k = 0; k < 3; k++) {
      const [g] = pullback(f, tape(), { a: 3, v: vec(1, 2) }, [[10, 100]]) as [
        { a: number; v: Float64Array },
      ];
      expect(g.a).toBe(60);
      expect(g.v).toEqual(vec(200, 400));
    }
  });

  test('a plain constant before a program value', () => {
    // f(x) = [7, Σ x²]: Jᵀ(c, d) = 2x d
    const f = (x: m.Value) => [7, m.sum(m.square(x))];
    for (let k = 0; k < 3; k++) {
      const [g] = pullback(f, tape(), vec(1, 2), [[5, 10]]);
      expect(g).toEqual(vec(20, 40));
    }
  });

  test('an inner output that is a value of the outer differentiation has no inner adjoint', () => {
    // Inner: ∇_y Σx = 0 for y = (1, 2). F(x) = Σ (inner · x) + Σx → ∇F = (1, 1)
    const F = (x: m.Value) => {
      const inner = gradient((_y: m.Value) => m.sum(x), tape(), vec(1, 2)) as m.Value;
      return m.add(m.sum(m.mul(inner, x)), m.sum(x));
    };
    expect(gradient(F, tape(), vec(0.5, 3))).toEqual(vec(1, 1));
  });

  test('an inner output that is a scalar slot of the outer tape has no inner adjoint', () => {
    // Inner f(y) = [y², x] with x the outer input: Jᵀ(1, 1) = 2y at y = 2 (nothing for x).
    // F(x) = x · Jᵀ(1, 1) = 4x → 4
    const F = (x: m.Value) => {
      const [g] = pullback((y: m.Value) => [m.mul(y, y), x], tape(), 2, [[1, 1]]);
      return m.mul(x, g as m.Value);
    };
    expect(derivative(F, tape(), 5)).toBe(4);
  });
});

describe('scalar inputs', () => {
  test('a scalar slot of the outer tape is a constant of the inner one, on either side', () => {
    // d/dy (y·x) = x and d/dy (x·y) = x at y = 3; F(x) = x · (that) = x² → 2x
    const F = (x: m.Value) =>
      m.mul(
        x,
        derivative((y: m.Value) => m.mul(y, x), tape(), 3),
      );
    const G = (x: m.Value) =>
      m.mul(
        x,
        derivative((y: m.Value) => m.mul(x, y), tape(), 3),
      );
    expect(derivative(F, tape(), 5)).toBe(10);
    expect(derivative(G, tape(), 5)).toBe(10);
  });

  test('an input f does not use has a zero adjoint', () => {
    const g = gradient((p: m.Value[]) => m.mul(p[0]!, p[0]!), tape(), [3, 4]);
    expect(g).toEqual([6, 0]);
  });

  test('a scalar input through an array op whose result f drops', () => {
    // f(x) = x² (the array op on x is unused) → 2x
    const f = (x: m.Value) => {
      m.sum(m.mul(x, vec(1, 2)));
      return m.mul(x, x);
    };
    for (let k = 0; k < 3; k++) expect(derivative(f, tape(), 3)).toBe(6);
  });

  test('a constant function of array inputs has zero gradients', () => {
    for (let k = 0; k < 3; k++) expect(gradient((_x: m.Value) => 3, tape(), vec(1, 2))).toEqual(vec(0, 0));
  });

  test('an adjoint that is part plain, part a value of the outer differentiation', () => {
    // Inner f(y) = [y², Σ y p] at y = 3: Jᵀ(1, 1) = 6 + Σp, 6 from the scalar record (plain),
    // Σp through the program (traced by the outer tape). F(p) = (6 + Σp)² → ∂F/∂pᵢ = 2(6 + Σp)
    const F = (p: m.Value) => {
      const [g] = pullback((y: m.Value) => [m.mul(y, y), m.sum(m.mul(y, p))], tape(), 3, [[1, 1]]);
      return m.square(g as m.Value);
    };
    expect(gradient(F, tape(), vec(0.5, 1))).toEqual(vec(15, 15));
  });
});

describe('cotangents that are values of an outer differentiation', () => {
  test('a compiled program differentiated with a traced cotangent', () => {
    // F(p) = Σ Jᵀ(p·1) of f = sin(sin x) at x₀ = p Σ cos(sin x₀) cos x₀ → Σ cos(sin x₀) cos x₀
    const x0 = vec(0.3, -1.1);
    const f = (x: m.Value) => m.sin(m.sin(x));
    const slope = [...x0].reduce((s, v) => s + Math.cos(Math.sin(v)) * Math.cos(v), 0);
    const inner = tape();
    for (let k = 0; k < 3; k++) {
      // The cotangent is a value of the outer differentiation; the operators' types admit only plain ones.
      const F = (p: m.Value) =>
        m.sum(pullback(f, inner, x0, [m.mul(p, vec(1, 1)) as Float64Array])[0] as m.Value);
      expect(derivative(F, tape(), 2)).toBeCloseTo(slope, 14);
    }
    expect(inner.lastRunCompiled).toBe(true);
  });

  test('one traced and one plain cotangent of two outputs', () => {
    // f(x) = {a: sin x, b: Σ x²}; Jᵀ(p·1, 1) = p cos x + 2x; F(p) = Σ of it → Σ cos x₀
    const x0 = vec(0.3, -1.1);
    const f = (x: m.Value) => ({ a: m.sin(x), b: m.sum(m.square(x)) });
    const inner = tape();
    for (let k = 0; k < 3; k++) {
      const F = (p: m.Value) =>
        m.sum(pullback(f, inner, x0, [{ a: m.mul(p, vec(1, 1)) as Float64Array, b: 1 }])[0] as m.Value);
      expect(derivative(F, tape(), 2)).toBeCloseTo(Math.cos(0.3) + Math.cos(-1.1), 14);
    }
  });
});

describe('results are the caller’s', () => {
  test('an interpreted adjoint that is a reshape of the cotangent is copied', () => {
    const ct = new NDArray(vec(1, 2, 3, 4), [2, 2]);
    // First sighting of a structure of this shape in this engine mode: interpreted.
    const e = tape({ codegen: false });
    const [g] = pullback((x: m.Value) => m.reshape(x, [2, 2]), e, vec(5, 6, 7, 8), [ct]) as [Float64Array];
    expect(g).toEqual(vec(1, 2, 3, 4));
    g[0] = 99;
    expect(ct.data).toEqual(vec(1, 2, 3, 4));
  });

  test('compiled primal outputs are fresh on every call', () => {
    const prep = prepareGradient((x: m.Value) => m.sum(m.exp(x)), tape(), vec(1, 2));
    const first = prep.gradient(vec(0, 0)) as Float64Array;
    const second = prep.gradient(vec(1, 1)) as Float64Array;
    expect(first).toEqual(vec(1, 1));
    expect(second).toEqual(vec(Math.E, Math.E));
  });
});

describe('values buffers hold', () => {
  test('a compiled run computes the array values a buffer keeps, so settling interprets nothing', () => {
    const b = buffer(3);
    const f = (x: m.Value) => {
      b.assign(m.mul(m.exp(x), 2));
      return m.sum(m.square(x));
    };
    const prep = prepareGradient(f, tape(), vec(0, 1, 2));
    for (let k = 0; k < 3; k++) prep.gradient(vec(0, 1, 2));
    let g: unknown;
    const calls = kernelCalls(() => {
      g = prep.gradient(vec(0, 1, 2));
    });
    expect(g).toEqual(vec(0, 2, 4));
    expect(b.read()).toEqual(vec(2, 2 * Math.E, 2 * Math.exp(2)));
    expect(calls).toBe(0);
  });
});

describe('programs built per structure', () => {
  /** sin(x) · x over a vector: a recording, finished. */
  function sinTimesX(n: number): ir.Program {
    const rec = new ir.Recording();
    const x = rec.input(ir.InputKind.Active, new Float64Array(n), [n]);
    const s = rec.eqn(primitives.sin, [x], {} as never, [n]);
    const y = rec.eqn(primitives.mul, [s, x], {} as never, [n]);
    return rec.finish([y]);
  }

  test('the compiled runs and the plain backward program are built once', () => {
    const b = newBuilt(sinTimesX(3), [ir.InputKind.Active, -2]);
    expect(b.yCount).toBe(1);
    expect(b.active).toEqual([true]);
    const c = compiledOf(b, true);
    expect(c).not.toBeNull();
    expect(compiledOf(b, true)).toBe(c);
    const p = plainOf(b);
    expect(p).not.toBeNull();
    expect(plainOf(b)).toBe(p);
  });

  test('codegen off: every run is interpreted', () => {
    const c = compiledOf(newBuilt(sinTimesX(3), [ir.InputKind.Active, -2]), false)!;
    expect(c.forward.generated).toBe(false);
    expect(c.backwardRun.generated).toBe(false);
    if (ir.codegenAvailable()) {
      const g = compiledOf(newBuilt(sinTimesX(3), [ir.InputKind.Active, -2]), true)!;
      expect(g.forward.generated).toBe(true);
    }
  });

  test('the outputs of f and the adjoints are fresh arrays on every run', () => {
    const c = compiledOf(newBuilt(sinTimesX(2), [ir.InputKind.Active, -2]), true)!;
    const x = vec(0.5, 1);
    // The lists are the compiled runs' own (valid until the next run): their entries are taken.
    const y1 = [...c.forward.run([x])];
    const y2 = [...c.forward.run([x])];
    expect(y1[0]).not.toBe(y2[0]);
    const seed = vec(1, 1);
    const inputs = (ys: readonly unknown[]) =>
      c.backward.sources.map((s) =>
        s.kind === 'seed' ? seed : s.v === 0 ? x : ys[1 + c.backward.residuals.indexOf(s.v)],
      ) as never;
    const g1 = [...c.backwardRun.run(inputs(y1))];
    const g2 = [...c.backwardRun.run(inputs(y2))];
    expect(g1[0]).not.toBe(g2[0]);
    // d/dx x sin x = sin x + x cos x
    expect(g2[0]).toEqual(x.map((v) => Math.sin(v) + v * Math.cos(v)));
  });

  test('the compiled backward program recomputes what is cheap; the plain one reads the forward run', () => {
    const b = newBuilt(sinTimesX(2), [ir.InputKind.Active, -2]);
    const c = compiledOf(b, true)!;
    const p = plainOf(b)!;
    // cos x is recomputed from x in the compiled backward program, read in the plain one
    expect(c.backward.program.eqns.length).toBeGreaterThan(p.program.eqns.length);
  });
});

describe('memory regions', () => {
  const BLOCK = 1 << 16;

  test('small regions share a block, disjoint and 8-byte aligned', () => {
    const a = region(12);
    const b = region(8);
    expect(b.memory).toBe(a.memory);
    expect(b.at).toBe(a.at + 16);
  });

  test('a quarter block shares a block; anything larger has its own memory', () => {
    const q = region(BLOCK / 4);
    expect(q.memory.byteLength).toBe(BLOCK);
    const big = region(BLOCK / 4 + 8);
    expect(big.at).toBe(0);
    expect(big.memory.byteLength).toBe(BLOCK / 4 + 8);
  });

  test('a block is filled to its last byte before a new one starts', () => {
    let r = region(BLOCK / 4);
    while (r.at !== 0) r = region(BLOCK / 4);
    const parts = [r, region(BLOCK / 4), region(BLOCK / 4), region(BLOCK / 4)];
    expect(parts.map((p) => p.at)).toEqual([0, 1, 2, 3].map((i) => (i * BLOCK) / 4));
    expect(parts.every((p) => p.memory === r.memory)).toBe(true);
    const next = region(8);
    expect(next.memory).not.toBe(r.memory);
    expect(next.at).toBe(0);
  });
});
