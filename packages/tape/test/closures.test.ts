/**
 * Closures on the compiled path: a prepared call whose recorded program matches one compiled
 * before must still give exactly what the eager path gives when enclosed state changes between
 * calls. Each case runs the compiled tape, the interpreted tape and an analytic reference.
 */
import { buffer, derivative, gradient, prepareGradient } from '@diffint/core';
import * as m from '@diffint/core/math';
import { describe, expect, test } from 'vitest';
import { type TapeEngine, tape } from '../src/index.js';

const vec = (...xs: number[]) => Float64Array.from(xs);
const list = (v: unknown) => Array.from(v as Float64Array);

/**
 * Prepared gradients on the compiled and the interpreted tape, called alike; the value is
 * checked against f run on plain values (the eager kernels), the gradient against `expected`.
 */
function both(f: (x: m.Value) => m.Value, x: Float64Array) {
  const compiled = tape();
  const interpreted = tape({ codegen: false });
  const pc = prepareGradient(f, compiled, x);
  const pi = prepareGradient(f, interpreted, x);
  return (at: Float64Array, expected: number[], compiledRun?: boolean) => {
    const [yc, gc] = pc.valueAndGradient(at);
    const [yi, gi] = pi.valueAndGradient(at);
    expect(list(gc)).toEqual(expected);
    expect(list(gi)).toEqual(list(gc));
    expect(yi).toBe(yc);
    expect(yc).toBe(f(at));
    if (compiledRun !== undefined) expect(compiled.lastRunCompiled).toBe(compiledRun);
    return yc;
  };
}

describe('compiled programs see enclosed state afresh on every call', () => {
  test('an enclosed array changed in place between calls', () => {
    const c = vec(1, 2, 3);
    const call = both((x) => m.sum(m.mul(x, c)), vec(0, 0, 0));
    call(vec(1, 1, 1), [1, 2, 3]);
    call(vec(1, 1, 1), [1, 2, 3], true);
    c.fill(5);
    call(vec(1, 1, 1), [5, 5, 5], true);
  });

  test('an enclosed array reassigned between calls', () => {
    let c = vec(1, 2, 3);
    const call = both((x) => m.sum(m.mul(x, c)), vec(0, 0, 0));
    call(vec(1, 1, 1), [1, 2, 3]);
    call(vec(1, 1, 1), [1, 2, 3], true);
    c = vec(-1, 0, 4);
    call(vec(1, 1, 1), [-1, 0, 4], true);
  });

  test('an array f overwrites after an op used it: each op sees the values it had then', () => {
    const coef = new Float64Array(3);
    const f = (x: m.Value) => {
      coef.fill(2);
      const y1 = m.mul(x, coef);
      coef.fill(5);
      const y2 = m.mul(x, coef);
      return m.sum(m.add(y1, y2));
    };
    const call = both(f, vec(0, 0, 0));
    call(vec(1, 2, 3), [7, 7, 7]);
    call(vec(3, 2, 1), [7, 7, 7], true);
  });

  test('plain numbers computed in JS outside the math', () => {
    let k = 1;
    const call = both((x) => m.sum(m.mul(m.square(x), k)), vec(0, 0));
    for (let i = 0; i < 4; i++) {
      k = i * 1.5 - 2;
      call(vec(1, -2), [2 * k, -4 * k], i > 0 ? true : undefined);
    }
  });

  test('an op sequence that changes between calls', () => {
    let steps = 1;
    const f = (x: m.Value) => {
      let y = x;
      for (let i = 0; i < steps; i++) y = m.mul(y, 2);
      return m.sum(y);
    };
    const call = both(f, vec(0, 0));
    for (steps = 0; steps < 5; steps++) call(vec(1, 1), [2 ** steps, 2 ** steps]);
    // Seen before: compiled now, and the sequence of two doublings still gives 4.
    steps = 2;
    call(vec(1, 1), [4, 4], true);
    steps = 3;
    call(vec(1, 1), [8, 8], true);
  });

  test('an op whose parameters change between calls (the recording stops following the last one)', () => {
    // Which elements are summed is decided outside the math: the slice's bounds.
    let from = 0;
    const f = (x: m.Value) => m.sum(m.square(m.slice(x, from, from + 2)));
    const call = both(f, vec(0, 0, 0));
    const x = vec(1, 2, 3);
    for (const k of [0, 0, 0, 1, 1, 0, 1, 0, 0]) {
      from = k;
      call(x, k === 0 ? [2, 4, 0] : [0, 4, 6]);
    }
  });

  test('an enclosed constant whose kind, shape or place changes between calls', () => {
    const w: { v: m.Value } = { v: 2 };
    let swap = false;
    const f = (x: m.Value) => m.sum(swap ? m.mul(m.square(x), w.v) : m.mul(w.v, m.square(x)));
    const call = both(f, vec(0, 0));
    const x = vec(1, 3);
    const cases: [m.Value, boolean, number[]][] = [
      [2, false, [4, 12]],
      [2, false, [4, 12]],
      [vec(1, -1), false, [2, -6]],
      [vec(1, -1), false, [2, -6]],
      [3, true, [6, 18]],
      [vec(2, 0.5), true, [4, 3]],
      [2, false, [4, 12]],
      [new m.NDArray(vec(1, 1), [1, 2]), false, [2, 6]],
      [2, false, [4, 12]],
    ];
    for (const [v, s, want] of cases) {
      w.v = v;
      swap = s;
      call(x, want);
    }
  });

  test('an op sequence that grows, shrinks and comes back, called many times each', () => {
    let steps = 0;
    const f = (x: m.Value) => {
      let y = m.square(x);
      for (let i = 0; i < steps; i++) y = i % 2 === 0 ? m.mul(y, 2) : m.add(y, x);
      return m.sum(y);
    };
    const call = both(f, vec(0, 0));
    const x = vec(1, 2);
    // d/dx of the sum: the square's 2x doubled or plus one per step, step by step
    const want = (k: number) =>
      [1, 2].map((xi) => {
        let d = 2 * xi;
        for (let i = 0; i < k; i++) d = i % 2 === 0 ? 2 * d : d + 1;
        return d;
      });
    for (const k of [0, 0, 3, 3, 3, 1, 1, 4, 0, 0, 2, 2]) {
      steps = k;
      call(x, want(k));
    }
  });

  test('a branch on value() going the other way on a later call (interpreted, never stale)', () => {
    const f = (x: m.Value) => ((m.value(m.sum(x)) as number) > 0 ? m.sum(m.square(x)) : m.sum(m.mul(3, x)));
    const call = both(f, vec(0, 0));
    call(vec(1, 2), [2, 4], false);
    call(vec(-1, -2), [3, 3], false);
    call(vec(3, 1), [6, 2], false);
  });

  test('a buffer read before it is written: each call starts from what the last one left', () => {
    const run = (engine: TapeEngine) => {
      const b = buffer(vec(1, 1));
      const f = (x: m.Value) => {
        const before = b.read();
        b.assign(m.add(x, before));
        return m.sum(m.square(b.read()));
      };
      const prep = prepareGradient(f, engine, vec(0, 0));
      const out: number[][] = [];
      for (let i = 0; i < 3; i++) out.push(list(prep.gradient(vec(1, 2))), list(b.toFloat64Array()));
      return out;
    };
    const compiled = run(tape());
    // b starts at (1, 1) and gains x on each call; ∇ = 2 (x + b_before).
    expect(compiled).toEqual([
      [4, 6],
      [2, 3],
      [6, 10],
      [3, 5],
      [8, 14],
      [4, 7],
    ]);
    expect(run(tape({ codegen: false }))).toEqual(compiled);
  });
});

describe('the compiled path', () => {
  test('a structure is interpreted when first seen and compiled from the second sighting on', () => {
    const engine = tape();
    const prep = prepareGradient((x: m.Value) => m.sum(m.exp(m.mul(x, 0.25))), engine, vec(1, 2, 3));
    const runs = [0, 1, 2].map(() => {
      const g = list(prep.gradient(vec(1, 2, 3)));
      return [engine.lastRunCompiled, g] as const;
    });
    expect(runs.map((r) => r[0])).toEqual([false, true, true]);
    expect(runs[1]![1]).toEqual(runs[0]![1]);
    expect(runs[0]![1]).toEqual([1, 2, 3].map((x) => 0.25 * Math.exp(0.25 * x)));
  });

  test('a steady loop builds one program and reuses it', () => {
    const engine = tape();
    const x = vec(0.5, -1, 2, 3);
    const f = (v: m.Value) =>
      m.sum(m.add(m.mul(100, m.square(m.slice(v, 1))), m.square(m.sub(1, m.slice(v, 0, 3)))));
    const prep = prepareGradient(f, engine, x);
    const first = list(prep.gradient(x));
    for (let i = 0; i < 20; i++) expect(list(prep.gradient(x))).toEqual(first);
    expect(engine.lastRunCompiled).toBe(true);
    // ∂/∂x0 = −2(1 − x0), ∂/∂x3 = 200 x3 (the slices overlap in between).
    expect(first[0]).toBeCloseTo(-2 * (1 - 0.5), 12);
    expect(first[3]).toBeCloseTo(200 * 3, 9);
  });

  test('results are fresh: arrays from the arena are never handed out twice', () => {
    const prep = prepareGradient((x: m.Value) => m.sum(m.square(x)), tape(), vec(1, 2));
    const g1 = prep.gradient(vec(1, 2));
    const g2 = prep.gradient(vec(3, 4));
    expect(list(g1)).toEqual([2, 4]);
    expect(list(g2)).toEqual([6, 8]);
  });

  test('a scalar input mixed into array ops (a scalar slot as a program input)', () => {
    const c = vec(1, 2, 3);
    expect(derivative((x: m.Value) => m.sum(m.mul(m.mul(x, x), c)), tape(), 2)).toBe(2 * 2 * 6);
  });

  test('broadcasting of a bias across a batch, sums along an axis and matmul kernels', () => {
    const W = new m.NDArray(vec(1, 2, 3, 4, 5, 6), [2, 3]);
    const X = new m.NDArray(vec(0.5, -1, 2, 1, 0, -3), [3, 2]);
    const f = (p: { W: m.Value; b: m.Value }) =>
      m.sum(m.square(m.add(m.matmul(m.transpose(X), m.transpose(p.W)), p.b)));
    const p = { W, b: vec(0.1, -0.2) };
    const gc = gradient(f, tape(), p);
    const gi = gradient(f, tape({ codegen: false }), p);
    expect(list(gc.b)).toEqual(list(gi.b));
    expect(list((gc.W as m.NDArray).data)).toEqual(list((gi.W as m.NDArray).data));
    // By hand: Z = Xᵀ Wᵀ + b (2 × 2), ∂/∂b = Σ_rows 2Z.
    const Z = [0, 1].map((r) =>
      [0, 1].map((c) => [0, 1, 2].reduce((s, k) => s + X.at(k, r) * W.at(c, k), 0) + p.b[c]!),
    );
    expect(list(gc.b)).toEqual([0, 1].map((c) => 2 * (Z[0]![c]! + Z[1]![c]!)));
  });
});
