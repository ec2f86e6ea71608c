import { describe, expect, it } from 'vitest';
import {
  StagingTrace,
  backwardProgram,
  compile,
  compose,
  interpret,
  tangentProgram,
} from '../../src/ir/index.js';
import * as m from '../../src/math/ops.js';
import { type Value, withTrace } from '../../src/trace.js';
import { NDArray, type Plain, type Shape } from '../../src/values.js';

function rosenbrock(x: Value): Value {
  const n = m.shape(x)[0]!;
  const xo = m.slice(x, 0, n - 1);
  const xn = m.slice(x, 1, n);
  return m.sum(m.add(m.mul(100, m.square(m.sub(xn, m.square(xo)))), m.square(m.sub(1, xo))));
}

function stage(f: (...x: Value[]) => Value, shapes: readonly Shape[]) {
  const st = new StagingTrace();
  return withTrace(st, () => {
    const xs = shapes.map((s) => st.input(s));
    return st.program.finish([st.outputVar(f(...xs))]);
  });
}

const data = (v: Value) =>
  Array.from(
    typeof v === 'number'
      ? [v]
      : (v as Float64Array | NDArray) instanceof NDArray
        ? (v as NDArray).data
        : (v as Float64Array),
  );

/** Compiled and interpreted runs of f agree bit for bit with f on plain values, forward and backward. */
function agree(f: (...x: Value[]) => Value, xs: readonly Plain[]) {
  const p = stage(f, xs.map(m.shape));
  const want = f(...xs);
  const c = compile(p);
  expect(c.generated).toBe(true);
  expect(data(c.run(xs)[0]!)).toEqual(data(want));
  const b = backwardProgram(
    p,
    xs.map(() => true),
    true,
  );
  const residual = interpret({ ...p, outputs: b.residuals }, xs);
  const primalOf = (v: number) => {
    const i = p.inputs.indexOf(v);
    return i >= 0 ? xs[i]! : residual[b.residuals.indexOf(v)]!;
  };
  const seed = (v: Value) => (typeof v === 'number' ? 1.5 : m.add(m.zerosLike(v), 1.5));
  const inputs = b.sources.map((s) => (s.kind === 'seed' ? seed(want) : primalOf(s.v))) as Plain[];
  const got = compile(b.program).run(inputs);
  const ref = interpret(b.program, inputs);
  expect(got.map(data)).toEqual(ref.map(data));
  expect(compile(b.program, { codegen: false }).run(inputs).map(data)).toEqual(ref.map(data));
}

const mat = (rows: number, cols: number, seed: number) =>
  new NDArray(
    Float64Array.from({ length: rows * cols }, (_, i) => (i % 5 === 0 ? 0 : Math.sin(seed + i * 1.7))),
    [rows, cols],
  );

describe('compiled programs compute what the kernels compute', () => {
  it('rosenbrock, fused into loops over offset views', () => {
    agree(rosenbrock, [Float64Array.from({ length: 9 }, (_, i) => 0.8 + 0.3 * Math.sin(i))]);
  });

  it('a layer: products with transposed factors, a bias across the batch, tanh, sums along axes', () => {
    const f = (W: Value, b: Value, X: Value) => m.sum(m.square(m.tanh(m.add(m.matmul(X, W), b))));
    agree(f, [mat(3, 4, 1), Float64Array.from([0.1, -0.2, 0.3, 0]), mat(5, 3, 2)]);
  });

  it('products of explicitly transposed matrices and sums along each axis', () => {
    const f = (A: Value, B: Value) =>
      m.add(m.sum(m.sum(m.matmul(m.transpose(A), B), 0)), m.sum(m.sum(m.matmul(A, m.transpose(A)), 1)));
    agree(f, [mat(4, 3, 3), mat(4, 2, 4)]);
  });

  it('non-finite values propagate as in the kernels', () => {
    const A = mat(3, 3, 5);
    A.data[4] = Number.NaN;
    A.data[7] = Number.POSITIVE_INFINITY;
    const B = mat(3, 3, 6);
    B.data[2] = Number.NEGATIVE_INFINITY;
    for (const f of [
      (a: Value, b: Value) => m.matmul(a, m.transpose(b)),
      (a: Value, b: Value) => m.matmul(m.transpose(a), b),
      (a: Value, b: Value) => m.matmulNoNan(a, m.transpose(b)),
      (a: Value, b: Value) => m.matmulNoNan(m.transpose(a), b),
      (a: Value, b: Value) => m.matmulNoNan(a, b),
    ]) {
      const p = stage(f, [A.shape, A.shape]);
      expect(data(compile(p).run([A, B])[0]!)).toEqual(data(f(A, B)));
      expect(data(compile(p).run([B, A])[0]!)).toEqual(data(f(B, A)));
    }
  });
});

describe('a strong-zero product by a finite non-zero literal', () => {
  it("is generated as a plain product, with the kernel's results on special values", () => {
    const x = Float64Array.from([
      0,
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1.5,
      -3,
    ]);
    const text = (v: Value) => data(v).map((e) => (Object.is(e, -0) ? '-0' : String(e)));
    for (const c of [100, -0.5]) {
      const p = stage((v: Value) => m.mulNoNan(v, c), [[x.length]]);
      const run = compile(p);
      expect(run.source).not.toContain('!==');
      expect(text(run.run([x])[0]!)).toEqual(text(m.mulNoNan(x, c)));
    }
    // A zero or non-finite literal keeps the strong zero: mulNoNan(∞, 0) is 0, not NaN.
    for (const c of [0, Number.POSITIVE_INFINITY]) {
      const p = stage((v: Value) => m.mulNoNan(v, c), [[x.length]]);
      const run = compile(p);
      expect(run.source).toContain('!==');
      expect(text(run.run([x])[0]!)).toEqual(text(m.mulNoNan(x, c)));
    }
  });
});

describe('a program composed with its tangent program', () => {
  it('computes the primal outputs and the tangents in one run, as the two programs do separately', () => {
    const f = (x: Value) => m.add(m.mul(m.sin(x), m.square(x)), m.sum(m.exp(m.neg(x))));
    const x = Float64Array.from({ length: 7 }, (_, i) => 0.3 * i - 1);
    const dx = Float64Array.from({ length: 7 }, (_, i) => Math.cos(i));
    const p = stage(f, [[7]]);
    const t = tangentProgram(p, [[true]], 1, false);
    const c = compose(p, t, p.outputs, []);
    expect(c).not.toBeNull();
    expect(c!.seeds).toEqual([0]);
    const run = compile(c!.program, { fresh: 2 });
    expect(run.generated).toBe(true);
    const [y, dy] = run.run([x, dx]);
    // Reference: the analytic tangent, d/dx [sin x · x² + Σ e^{-x}] · dx.
    let s = 0;
    for (let i = 0; i < 7; i++) s += Math.exp(-x[i]!);
    let ds = 0;
    for (let i = 0; i < 7; i++) ds -= Math.exp(-x[i]!) * dx[i]!;
    for (let i = 0; i < 7; i++) {
      const xi = x[i]!;
      expect(data(y!)[i]).toBeCloseTo(Math.sin(xi) * xi * xi + s, 13);
      expect(data(dy!)[i]).toBeCloseTo((Math.cos(xi) * xi * xi + 2 * xi * Math.sin(xi)) * dx[i]! + ds, 13);
    }
    // The same numbers as the primal program and the tangent program run one after the other.
    const primal = interpret({ ...p, outputs: [...p.outputs, ...t.residuals] }, [x]);
    const inputs = t.sources.map((src) =>
      src.kind === 'seed' ? dx : src.v === p.inputs[0] ? x : primal[1 + t.residuals.indexOf(src.v)]!,
    ) as Plain[];
    expect(data(dy!)).toEqual(data(interpret(t.program, inputs)[0]!));
    expect(data(compile(c!.program, { codegen: false, fresh: 2 }).run([x, dx])[1]!)).toEqual(data(dy!));
  });

  it('is refused when a tangent output would be returned twice', () => {
    const p = stage((x: Value) => m.mul(x, 2), [[3]]);
    const t = tangentProgram(p, [[true]], 1, false);
    expect(compose(p, t, p.outputs, [])).not.toBeNull();
    const twice = {
      ...t,
      program: { ...t.program, outputs: [t.program.outputs[0]!, t.program.outputs[0]!] },
    };
    expect(compose(p, twice, p.outputs, [])).toBeNull();
  });
});

describe('what a run allocates', () => {
  it('fresh outputs are new arrays on every run; the list and the other outputs are the program’s own', () => {
    const p = stage((x) => m.mul(m.sin(x), x), [[3]]);
    // outputs: x·sin x (fresh), then sin x (the arena's)
    const c = compile({ ...p, outputs: [p.outputs[0]!, p.eqns[0]!.out] }, { fresh: 1 });
    const x1 = Float64Array.of(0.1, 0.2, 0.3);
    const x2 = Float64Array.of(1, 2, 3);
    const r1 = c.run([x1]);
    const [fresh1, own1] = r1;
    const r2 = c.run([x2]);
    const [fresh2, own2] = r2;
    expect(r2).toBe(r1);
    expect(fresh2).not.toBe(fresh1);
    expect(own2).toBe(own1);
    // the fresh output of the first run kept its values; the arena's holds the second run's
    expect(data(fresh1!)).toEqual(Array.from(x1, (v) => Math.sin(v) * v));
    expect(data(own1!)).toEqual(Array.from(x2, Math.sin));
    expect(data(fresh2!)).toEqual(Array.from(x2, (v) => Math.sin(v) * v));
  });
});
