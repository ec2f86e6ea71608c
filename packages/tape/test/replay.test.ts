/**
 * Replay (`replay(f)`): a prepared gradient or derivative that runs f's compiled program
 * without running f. Each case counts f's runs (a replayed call does not run it) and checks
 * every result against an analytic reference, on generated code and on the interpreter.
 */
import {
  InvalidInputError,
  NonScalarOutputError,
  buffer,
  cache,
  constant,
  gradient,
  inPlace,
  jacobian,
  prepareDerivative,
  prepareGradient,
  replay,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { describe, expect, test } from 'vitest';
import { tape } from '../src/index.js';

const vec = (...xs: number[]) => Float64Array.from(xs);
const list = (v: unknown) => Array.from(v as Float64Array);
const modes = [
  { name: 'generated code', codegen: true },
  { name: 'the interpreter', codegen: false },
] as const;

/** f with a counter of its runs. */
function counted<A extends unknown[], R>(f: (...a: A) => R) {
  const g = (...a: A): R => {
    g.runs++;
    return f(...a);
  };
  g.runs = 0;
  return g;
}

describe.each(modes)('replay on $name', ({ codegen }) => {
  test('later calls do not run f and agree with the analytic gradient', () => {
    const f = counted((x: m.Value) => m.sum(m.mul(m.sin(x), x)));
    const p = prepareGradient(replay(f, { codegen }), tape(), vec(1, 2, 3));
    for (const x of [vec(1, 2, 3), vec(0.5, -1, 2), vec(3, 2, 1)]) {
      const [y, g] = p.valueAndGradient(x);
      expect(y).toBeCloseTo(
        Array.from(x).reduce((s, t) => s + Math.sin(t) * t, 0),
        12,
      );
      list(g).forEach((gi, i) => expect(gi).toBeCloseTo(Math.cos(x[i]!) * x[i]! + Math.sin(x[i]!), 12));
    }
    expect(f.runs).toBe(1);
  });

  test('an enclosed array changed in place is read fresh', () => {
    const c = vec(1, 2, 3);
    const f = counted((x: m.Value) => m.sum(m.mul(x, c)));
    const p = prepareGradient(replay(f, { codegen }), tape(), vec(0, 0, 0));
    expect(list(p.gradient(vec(1, 1, 1)))).toEqual([1, 2, 3]);
    c.set([5, -1, 0.5]);
    expect(list(p.gradient(vec(1, 1, 1)))).toEqual([5, -1, 0.5]);
    expect(f.runs).toBe(1);
  });

  test('an array derived from enclosed data with plain math is recomputed from it', () => {
    const c = vec(1, 2, 3);
    const f = counted((x: m.Value) => {
      const w = m.mul(m.exp(c), 2); // plain: computed in f, not differentiated
      return m.sum(m.mul(x, w));
    });
    const p = prepareGradient(replay(f, { codegen }), tape(), vec(0, 0, 0));
    expect(list(p.gradient(vec(1, 1, 1)))).toEqual(list(c).map((t) => 2 * Math.exp(t)));
    c.fill(0);
    expect(list(p.gradient(vec(1, 1, 1)))).toEqual([2, 2, 2]);
    expect(f.runs).toBe(1);
  });

  test('a number f computes from enclosed data with plain math is guarded: a change re-traces', () => {
    const c = vec(1, 2, 3);
    const f = counted((x: m.Value) => m.mul(m.sum(x), m.sum(c)));
    const p = prepareGradient(replay(f, { codegen }), tape(), vec(0, 0, 0));
    expect(list(p.gradient(vec(1, 1, 1)))).toEqual([6, 6, 6]);
    p.gradient(vec(1, 1, 1));
    expect(f.runs).toBe(1);
    c.fill(1);
    expect(list(p.gradient(vec(1, 1, 1)))).toEqual([3, 3, 3]);
    expect(f.runs).toBe(2);
  });

  test('an enclosed array reassigned is outside the contract; a constant() context is read per call', () => {
    let c = vec(1, 2, 3);
    const f = counted((x: m.Value) => m.sum(m.mul(x, c)));
    const p = prepareGradient(replay(f, { codegen }), tape(), vec(0, 0, 0));
    expect(list(p.gradient(vec(1, 1, 1)))).toEqual([1, 2, 3]);
    c = vec(7, 8, 9);
    // f is not run, so the replay cannot see the new binding: it still reads the array it captured.
    expect(list(p.gradient(vec(1, 1, 1)))).toEqual([1, 2, 3]);
    // Data that changes between calls belongs in a context: read from each call's arguments.
    const h = counted((x: m.Value, w: Float64Array) => m.sum(m.mul(x, w)));
    const q = prepareGradient(replay(h, { codegen }), tape(), vec(0, 0, 0), constant(c));
    expect(list(q.gradient(vec(1, 1, 1), constant(c)))).toEqual([7, 8, 9]);
    expect(list(q.gradient(vec(1, 1, 1), constant(vec(-1, 0, 1))))).toEqual([-1, 0, 1]);
    expect(h.runs).toBe(1);
  });

  test('a constant() number that differs re-traces; a context of another shape too', () => {
    const f = counted((x: m.Value, k: number) => m.mul(m.sum(m.square(x)), k));
    const p = prepareGradient(replay(f, { codegen }), tape(), vec(1, 2), constant(3));
    expect(list(p.gradient(vec(1, 2), constant(3)))).toEqual([6, 12]);
    expect(list(p.gradient(vec(1, 2), constant(3)))).toEqual([6, 12]);
    expect(f.runs).toBe(1);
    expect(list(p.gradient(vec(1, 2), constant(0.5)))).toEqual([1, 2]);
    expect(f.runs).toBe(2);
    const h = counted((x: m.Value, w: Float64Array) => m.sum(m.mul(m.sum(x), w)));
    const q = prepareGradient(replay(h, { codegen }), tape(), vec(1, 2), constant(vec(1, 1)));
    expect(list(q.gradient(vec(1, 2), constant(vec(1, 1))))).toEqual([2, 2]);
    expect(list(q.gradient(vec(1, 2), constant(vec(1, 1, 1))))).toEqual([3, 3]);
    expect(h.runs).toBe(2);
  });

  test('a value()-dependent branch that goes the other way re-traces', () => {
    const f = counted((x: m.Value) => {
      const s = m.sum(x);
      return m.value(m.greater(s, 0)) === 1 ? m.mul(s, s) : m.neg(m.mul(s, 3));
    });
    const p = prepareGradient(replay(f, { codegen }), tape(), vec(1, 1));
    expect(list(p.gradient(vec(1, 1)))).toEqual([4, 4]);
    expect(list(p.gradient(vec(2, 1)))).toEqual([6, 6]);
    expect(f.runs).toBe(1); // same side of the branch: replayed
    expect(list(p.gradient(vec(-2, 1)))).toEqual([-3, -3]);
    expect(f.runs).toBe(2); // the branch flipped: re-traced
    expect(list(p.gradient(vec(-5, 1)))).toEqual([-3, -3]);
    expect(f.runs).toBe(2);
  });

  test('a function whose op sequence changes between calls is re-traced whenever it changes', () => {
    const f = counted((x: m.Value) => {
      const n = m.value(m.greater(m.get(x, 0), 0)) === 1 ? 3 : 1;
      let y: m.Value = x;
      for (let i = 0; i < n; i++) y = m.sin(y);
      return m.sum(y);
    });
    const p = prepareGradient(replay(f, { codegen }), tape(), vec(1));
    const d3 = (t: number) => Math.cos(Math.sin(Math.sin(t))) * Math.cos(Math.sin(t)) * Math.cos(t);
    expect(p.gradient(vec(0.5))[0]).toBeCloseTo(d3(0.5), 14);
    expect(p.gradient(vec(-0.5))[0]).toBeCloseTo(Math.cos(-0.5), 14);
    expect(p.gradient(vec(0.7))[0]).toBeCloseTo(d3(0.7), 14);
    expect(f.runs).toBe(3);
  });

  test('a buffer read before it is written is guarded; buffers hold what a plain call leaves', () => {
    const state = buffer(vec(2));
    const f = counted((x: m.Value) => {
      const y = m.mul(x, state.get(0)); // read before written: the state the call begins with
      state.set(0, m.add(state.get(0), 1));
      return m.sum(y);
    });
    const p = prepareGradient(replay(f, { codegen }), tape(), vec(1, 1));
    expect(list(p.gradient(vec(1, 1)))).toEqual([2, 2]);
    expect(state.get(0)).toBe(3);
    expect(list(p.gradient(vec(1, 1)))).toEqual([3, 3]);
    expect(state.get(0)).toBe(4);
    expect(f.runs).toBe(2); // the state changed, so the guard re-traced
  });

  test('a buffer written with x before it is read is replayed, and left holding the primal values', () => {
    const s = buffer(4);
    const f = counted((x: m.Value) => {
      s.set(0, x);
      for (let i = 0; i < 3; i++) s.set(i + 1, m.mul(s.get(i), m.add(x, i)));
      return s.get(3);
    });
    const p = prepareDerivative(replay(f, { codegen }), tape(), 2);
    // s3 = x·x·(x+1)·(x+2) = x⁴ + 3x³ + 2x²; derivative 4x³ + 9x² + 4x
    for (const x of [2, 0.5, -1.5]) {
      const [y, d] = p.valueAndDerivative(x);
      expect(y).toBeCloseTo(x ** 4 + 3 * x ** 3 + 2 * x ** 2, 12);
      expect(d).toBeCloseTo(4 * x ** 3 + 9 * x ** 2 + 4 * x, 12);
      expect(list(s.read())).toEqual([x, x * x, x * x * (x + 1), x * x * (x + 1) * (x + 2)]);
    }
    expect(f.runs).toBe(1);
  });

  test('a cache() context: scratch space written before it is read', () => {
    const f = counted((x: m.Value, c: ReturnType<typeof buffer>) => {
      c.assign(m.square(x));
      return m.sum(m.mul(c.read(), x));
    });
    const p = prepareGradient(replay(f, { codegen }), tape(), vec(1, 2), cache(2));
    expect(list(p.gradient(vec(1, 2), cache(2)))).toEqual([3, 12]);
    expect(list(p.gradient(vec(-1, 3), cache(2)))).toEqual([3, 27]);
    expect(f.runs).toBe(1);
  });

  test('f writing into a plain array it computed with is never replayed: f runs on every call', () => {
    const scratch = vec(1, 1);
    const f = counted((x: m.Value) => {
      const y = m.sum(m.mul(x, scratch));
      scratch[0] = scratch[0]! + 1;
      return y;
    });
    const p = prepareGradient(replay(f, { codegen }), tape(), vec(0, 0));
    expect(list(p.gradient(vec(0, 0)))).toEqual([1, 1]);
    expect(list(p.gradient(vec(0, 0)))).toEqual([2, 1]);
    expect(list(p.gradient(vec(0, 0)))).toEqual([3, 1]);
    // The first call is answered from its recording (each op with the values it read then);
    // every later call runs f.
    expect(f.runs).toBe(3);
    expect(scratch[0]).toBe(4);
  });

  test('a call nested in another differentiation runs f (its values are traced)', () => {
    const inner = (x: m.Value) => m.sum(m.square(x));
    const p = prepareGradient(replay(inner, { codegen }), tape(), vec(1, 2));
    const outer = gradient((y: m.Value) => m.sum(p.gradient(m.mul(y, 2) as never)), tape(), vec(1, 2));
    // d/dy Σ 2·(2y) = 4 per element
    expect(list(outer)).toEqual([4, 4]);
  });
});

describe('replay: refused where it cannot apply', () => {
  test('an operator that does not replay', () => {
    const f = replay((x: m.Value) => m.sin(x));
    expect(() => jacobian(f, tape(), vec(1, 2))).toThrow(InvalidInputError);
    expect(() => jacobian(f, tape(), vec(1, 2))).toThrow(
      /replay\(f\) is accepted by gradient and derivative/,
    );
  });

  test('an engine that runs f on every call', () => {
    const plainEngine = { ...tape(), replayable: false };
    expect(() =>
      prepareGradient(
        replay((x: m.Value) => m.sum(x)),
        plainEngine,
        vec(1),
      ),
    ).toThrow(/needs an engine that runs f as a compiled IR program/);
  });

  test('a non-scalar output of a gradient is the usual error', () => {
    const p = prepareGradient(
      replay((x: m.Value) => m.sin(x)),
      tape(),
      vec(1, 2),
    );
    expect(() => p.gradient(vec(1, 2))).toThrow(NonScalarOutputError);
  });

  test('bad arguments', () => {
    expect(() => replay(3 as never)).toThrow(InvalidInputError);
    expect(() => replay((x: number) => x, null as never)).toThrow(InvalidInputError);
  });
});

// The heap is Node's to measure (a browser run skips this).
const nodeMemory = typeof process !== 'undefined' && typeof process.memoryUsage === 'function';
describe.runIf(nodeMemory)('replay: memory', () => {
  test('10 000 replayed calls do not grow the heap', () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    const s = buffer(101);
    const f = (x: m.Value) => {
      s.set(0, x);
      for (let i = 0; i < 100; i++) s.set(i + 1, m.add(s.get(i), m.sin(m.mul(x, 1 + i / 100))));
      return s.get(100);
    };
    const p = prepareDerivative(replay(f), tape(), 0.5);
    const g = prepareGradient(
      replay((x: m.Value) => m.sum(m.square(x))),
      tape(),
      vec(1, 2, 3),
    );
    const out = vec(0, 0, 0);
    const x = vec(1, 2, 3);
    for (let i = 0; i < 1000; i++) {
      p.derivative(0.5);
      g.gradientInto(out, x);
    }
    gc?.();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 10_000; i++) {
      p.derivative(0.5 + i * 1e-6);
      g.gradientInto(out, x);
    }
    gc?.();
    const after = process.memoryUsage().heapUsed;
    expect(list(out)).toEqual([2, 4, 6]);
    // Without gc exposed the check only bounds gross leaks; with it, a tight one.
    expect(after - before).toBeLessThan(gc ? 1_000_000 : 50_000_000);
  });
});

describe('replay: an in-place function runs on the ordinary path', () => {
  test('inPlace(replay(f), template) gives the right derivative and runs f on every call', () => {
    let runs = 0;
    const f = (y: ReturnType<typeof buffer>, x: m.Value) => {
      runs++;
      y.set(0, m.mul(x, x));
      y.set(1, m.sin(x));
    };
    const p = prepareDerivative(inPlace(replay(f), 2), tape(), 0.5);
    for (const x of [0.5, 2]) expect(list(p.derivative(x))).toEqual([2 * x, Math.cos(x)]);
    expect(runs).toBeGreaterThanOrEqual(2);
  });
});
