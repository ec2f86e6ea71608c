import { describe, expect, it } from 'vitest';
import { StagingTrace, backwardProgram, compile, interpret } from '../../src/ir/index.js';
import * as m from '../../src/math/ops.js';
import { type Value, withTrace } from '../../src/trace.js';
import type { Plain, Shape } from '../../src/values.js';

function stage(f: (x: Value) => Value, shape: Shape) {
  const st = new StagingTrace();
  return withTrace(st, () => st.program.finish([st.outputVar(f(st.input(shape)))]));
}

/** Each element as text that tells -0 from +0 (and NaN from everything). */
const bits = (v: Value) => Array.from(v as Float64Array, (e) => (Object.is(e, -0) ? '-0' : String(e)));

/** The compiled run equals the kernels' result bit for bit, and returns the generated source. */
function exact(f: (x: Value) => Value, x: Float64Array): string {
  const p = stage(f, [x.length]);
  const want = bits(f(x));
  const c = compile(p, { fresh: 1 });
  expect(c.generated).toBe(true);
  expect(bits(c.run([x])[0]!)).toEqual(want);
  // The arena copy (not fresh) is initialised on every run: run it twice.
  const arena = compile(p);
  arena.run([x]);
  expect(bits(arena.run([x])[0]!)).toEqual(want);
  expect(bits(compile(p, { codegen: false }).run([x])[0]!)).toEqual(want);
  return c.source;
}

const accumulates = (source: string) => /\] \+= t/.test(source) && !source.includes('i >= ');

/** Terms to stress the order of additions: large values that cancel, signed zeros, NaN, infinities. */
const x = Float64Array.from([1e16, -1e16, 1, -0, 0, Number.NaN, -0, Number.POSITIVE_INFINITY, 3, -0, -0, 2]);

describe('sums of pads accumulated in place', () => {
  it('two terms, as the adjoint of x[1:] and x[:-1]: one loop adds at two offsets', () => {
    const f = (v: Value) => m.add(m.pad(m.mul(v, 2), 1, 0), m.pad(m.neg(v), 0, 1));
    expect(accumulates(exact(f, x))).toBe(true);
  });

  it('signed zeros: -0 where every term covers an element and all its terms are -0, +0 at the edges', () => {
    const zeros = new Float64Array(6).fill(-0);
    const f = (v: Value) => m.add(m.pad(m.mul(v, 1), 2, 0), m.pad(m.neg(m.neg(v)), 0, 2));
    // Reference by hand: the kernels pad with +0, and -0 + +0 is +0.
    expect(bits(f(zeros))).toEqual(['0', '0', '-0', '-0', '-0', '-0', '0', '0']);
    expect(accumulates(exact(f, zeros))).toBe(true);
  });

  it('three terms arriving in the order of the fold (the larger offset first)', () => {
    const f = (v: Value) =>
      m.add(m.add(m.pad(m.mul(v, 3), 2, 0), m.pad(m.neg(v), 1, 1)), m.pad(m.square(v), 0, 2));
    expect(accumulates(exact(f, x))).toBe(true);
  });

  it('three terms whose fold order differs from their arrival are added as the kernels add them', () => {
    // (c + b) + a, but a (offset 2) arrives first: reassociating would change the rounding.
    const f = (v: Value) =>
      m.add(m.add(m.pad(m.square(v), 0, 2), m.pad(m.neg(v), 1, 1)), m.pad(m.mul(v, 2), 2, 0));
    expect(accumulates(exact(f, x))).toBe(false);
    // Where the three meet: (1 + 1e16) - 1e16 is 0 in float64; added in arrival order it would be 1.
    const y = Float64Array.from([-5e15, -1e16, 1, 1]);
    expect((f(y) as Float64Array)[2]).toBe(0);
    exact(f, y);
  });

  it('a pad read elsewhere too is not accumulated, and the result is unchanged', () => {
    const f = (v: Value) => {
      const a = m.pad(m.mul(v, 2), 1, 0);
      return m.add(m.add(a, m.pad(m.neg(v), 0, 1)), m.sin(a));
    };
    expect(accumulates(exact(f, x))).toBe(false);
  });

  it("Rosenbrock's backward program is one loop adding into the gradient, bit for bit the interpreter's", () => {
    const rosenbrock = (v: Value) => {
      const n = m.shape(v)[0]!;
      const xo = m.slice(v, 0, n - 1);
      const xn = m.slice(v, 1, n);
      return m.sum(m.add(m.mul(100, m.square(m.sub(xn, m.square(xo)))), m.square(m.sub(1, xo))));
    };
    const n = 9;
    const p = stage(rosenbrock, [n]);
    const b = backwardProgram(p, [true], true);
    const point = Float64Array.from({ length: n }, (_, i) => 0.8 + 0.3 * Math.sin(i));
    const inputs = b.sources.map((s) => (s.kind === 'seed' ? 1 : point)) as Plain[];
    const c = compile(b.program, { fresh: 1 });
    expect(c.source.match(/for \(/g)).toHaveLength(1);
    expect(accumulates(c.source)).toBe(true);
    const g = c.run(inputs)[0]!;
    expect(bits(g)).toEqual(bits(interpret(b.program, inputs)[0]!));
    // Reference: the analytic gradient.
    for (let i = 0; i < n; i++) {
      const xi = point[i]!;
      let want = 0;
      if (i < n - 1) want += -400 * xi * (point[i + 1]! - xi * xi) - 2 * (1 - xi);
      if (i > 0) want += 200 * (xi - point[i - 1]! ** 2);
      expect((g as Float64Array)[i]).toBeCloseTo(want, 10);
    }
  });
});
