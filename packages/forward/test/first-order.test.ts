import {
  InvalidInputError,
  NDArray,
  StructureMismatchError,
  buffer,
  TraceEscapedError,
  TracedValueError,
  constant,
  derivative,
  gradient,
  gradientInto,
  jacobian,
  jacobianInto,
  prepareDerivative,
  prepareJacobian,
  pullback,
  pushforward,
  valueAndDerivative,
  valueAndGradient,
  hessian,
  secondOrder,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { finiteDiff } from '@diffint/finite-diff';
import { describe, expect, test } from 'vitest';
import { forward } from '../src/index.js';
import { expectClose, matrix, pseudoRandom } from './helpers.js';

/** Mutation runs skip the memory tests: seconds each, for every mutant they cover. */
const underMutation = typeof process !== 'undefined' && process.env.DIFFINT_MUTATION === '1';

describe('engine', () => {
  test('declares forward mode, float64 and its chunk as batch size', () => {
    const e = forward({ chunk: 5 });
    expect([e.kind, e.name, e.precision, e.mode, e.batchSize]).toEqual([
      'engine',
      'forward',
      'float64',
      'forward',
      5,
    ]);
    expect(forward().batchSize).toBe(8);
  });

  test.each([0, -1, 1.5, Number.NaN])('chunk %s is an InvalidInputError naming chunk', (chunk) => {
    expect(() => forward({ chunk })).toThrow(InvalidInputError);
    expect(() => forward({ chunk })).toThrow(/chunk must be a positive integer/);
  });
});

describe('standard shapes', () => {
  test('scalar → scalar: d/dx sin(x)·eˣ = (cos x + sin x)·eˣ', () => {
    for (const x of [-2, 0, 0.3, 4]) {
      const f = (x: m.Value) => m.mul(m.sin(x), m.exp(x));
      const [y, d] = valueAndDerivative(f, forward(), x);
      expectClose(y, Math.sin(x) * Math.exp(x));
      expectClose(d, (Math.cos(x) + Math.sin(x)) * Math.exp(x));
    }
  });

  test('scalar → vector and scalar → matrix keep the output shape', () => {
    const x = 0.7;
    const v = derivative((x: m.Value) => m.stack([m.square(x), m.sin(x), m.mul(3, x)]), forward(), x);
    expect(v).toBeInstanceOf(Float64Array);
    expectClose(v, [2 * x, Math.cos(x), 3]);
    const M = new NDArray(Float64Array.of(1, 2, 3, 4, 5, 6), [2, 3]);
    const d = derivative((x: m.Value) => m.mul(M, m.pow(x, 3)), forward(), x);
    expect(d).toBeInstanceOf(NDArray);
    expect((d as NDArray).shape).toEqual([2, 3]);
    expectClose(
      d,
      M.data.map((a) => 3 * a * x * x),
    );
  });

  test('vector → scalar: ∇ Σ xᵢ² sin xᵢ = 2x sin x + x² cos x, for several chunks', () => {
    const x = pseudoRandom(11, 3).map((v) => 4 * v);
    const f = (x: m.Value) => m.sum(m.mul(m.square(x), m.sin(x)));
    const expected = x.map((v) => 2 * v * Math.sin(v) + v * v * Math.cos(v));
    for (const chunk of [1, 4, 11, 16]) {
      const [y, g] = valueAndGradient(f, forward({ chunk }), x);
      expect(g).toBeInstanceOf(Float64Array);
      expectClose(g, expected);
      expectClose(
        y,
        x.reduce((s, v) => s + v * v * Math.sin(v), 0),
      );
    }
  });

  test('vector → vector: J of tanh(A x + b) is diag(1 − tanh²) · A', () => {
    const [rows, cols] = [4, 6];
    const A = new NDArray(pseudoRandom(rows * cols, 7), [rows, cols]);
    const b = pseudoRandom(rows, 8);
    const x = pseudoRandom(cols, 9);
    const f = (x: m.Value) => m.tanh(m.add(m.matvec(A, x), b));
    const z = Array.from({ length: rows }, (_, i) => {
      let s = b[i]!;
      for (let j = 0; j < cols; j++) s += A.data[i * cols + j]! * x[j]!;
      return Math.tanh(s);
    });
    const J = jacobian(f, forward({ chunk: 4 }), x);
    expect(J.shape).toEqual([rows, cols]);
    expectClose(
      J,
      matrix(rows, cols, (i, j) => (1 - z[i]! ** 2) * A.data[i * cols + j]!),
    );
  });

  test('matrix → matrix: ∂(X Xᵀ)ᵢⱼ/∂Xₖₗ = δᵢₖ Xⱼₗ + δⱼₖ Xᵢₗ', () => {
    const [r, c] = [3, 2];
    const X = new NDArray(pseudoRandom(r * c, 11), [r, c]);
    const J = jacobian((X: m.Value) => m.matmul(X, m.transpose(X)), forward({ chunk: 4 }), X);
    const at = (i: number, j: number) => X.data[i * c + j]!;
    const expected = matrix(r * r, r * c, (row, col) => {
      const [i, j] = [Math.floor(row / r), row % r];
      const [k, l] = [Math.floor(col / c), col % c];
      return (i === k ? at(j, l) : 0) + (j === k ? at(i, l) : 0);
    });
    expectClose(J, expected);
  });

  test('parameter struct: the gradient has the structure of x', () => {
    const z = Float64Array.of(0.5, -1, 2);
    const p = { w: Float64Array.of(1, 2, -0.5), b: 0.25 };
    const loss = (p: { w: m.Value; b: m.Value }) => m.sum(m.square(m.add(m.mul(p.w, z), p.b)));
    const r = p.w.map((w, i) => w * z[i]! + p.b);
    const g = gradient(loss, forward({ chunk: 2 }), p);
    expect(g.w).toBeInstanceOf(Float64Array);
    expect(typeof g.b).toBe('number');
    expectClose(
      g.w,
      r.map((ri, i) => 2 * ri * z[i]!),
    );
    expectClose(
      g.b,
      r.reduce((s, ri) => s + 2 * ri, 0),
    );
  });

  test('pushforward takes a batch of tangents in one evaluation of f; pullback is derived', () => {
    let evaluations = 0;
    const f = (x: m.Value) => {
      evaluations++;
      return m.stack([m.mul(m.get(x, 0), m.get(x, 1)), m.exp(m.get(x, 2))]);
    };
    const x = Float64Array.of(2, 3, 0.5);
    const J = [
      [3, 2, 0],
      [0, 0, Math.exp(0.5)],
    ];
    const ts = [Float64Array.of(1, 0, 0), Float64Array.of(0.5, -1, 2), Float64Array.of(0, 0, 0)];
    const out = pushforward(f, forward({ chunk: 2 }), x, ts);
    expect(evaluations).toBe(1);
    ts.forEach((t, k) =>
      expectClose(
        out[k]!,
        J.map((row) => row.reduce((s, a, j) => s + a * t[j]!, 0)),
      ),
    );
    const cs = [Float64Array.of(1, -2)];
    const back = pullback(f, forward({ chunk: 2 }), x, cs);
    expectClose(
      back[0]!,
      [0, 1, 2].map((j) => J[0]![j]! - 2 * J[1]![j]!),
    );
  });

  test('…Into variants write into the given output; inputs are left intact', () => {
    const x = Float64Array.of(1, 2, 3);
    const before = x.slice();
    const f = (x: m.Value) => m.mul(x, m.sum(x));
    const out = NDArray.zeros([3, 3]);
    expect(jacobianInto(out, f, forward({ chunk: 2 }), x)).toBe(out);
    expectClose(
      out,
      matrix(3, 3, (i, j) => (i === j ? 6 : 0) + x[i]!),
    );
    const g = new Float64Array(3);
    gradientInto(g, (x: m.Value) => m.sum(m.square(x)), forward(), x);
    expectClose(g, [2, 4, 6]);
    expect(x).toEqual(before);
  });

  test('a prepared jacobian gives the same result on repeated calls and at new points', () => {
    const f = (x: m.Value) => m.mul(m.square(x), m.slice(x, 0, 1));
    const prep = prepareJacobian(f, forward({ chunk: 2 }), Float64Array.of(1, 2, 3));
    for (const x of [Float64Array.of(1, 2, 3), Float64Array.of(1, 2, 3), Float64Array.of(-1, 0.5, 4)]) {
      // y = x² · x₀
      const expected = matrix(3, 3, (i, j) => (i === j ? 2 * x[i]! * x[0]! : 0) + (j === 0 ? x[i]! ** 2 : 0));
      expectClose(prep.jacobian(x), expected);
    }
  });
});

describe('scalar code: elementwise ops on plain numbers with plain tangents', () => {
  const n = 5;
  const b = buffer(n);
  /** Every op with a scalar rule, on elements read with get and written to a buffer. */
  const loop = (x: m.Value) => {
    let acc: m.Value = 0;
    for (let i = 0; i < n; i++) {
      const xi = m.get(x, i);
      const xj = m.get(x, (i + 1) % n);
      let t = m.div(m.sin(m.mul(xi, xj)), m.add(1, m.square(xi)));
      t = m.add(t, m.mul(m.pow(m.abs(xi), 1.5), m.exp(m.neg(xj))));
      t = m.sub(t, m.log(m.add(2, m.tanh(xi))));
      t = m.add(t, m.mul(m.sqrt(m.add(1, m.mul(xj, xj))), m.cos(m.tan(m.mul(0.3, xi)))));
      t = m.add(t, m.mul(m.maximum(xi, xj), m.minimum(m.sigmoid(xi), m.pow(xj, 2))));
      t = m.add(t, m.mul(m.greater(xi, xj), xj));
      b.set(i, t);
      acc = m.add(acc, m.mul(b.get(i), m.get(x, i)));
    }
    return acc;
  };
  const x = Float64Array.of(0.7, -1.3, 0.45, 1.1, -0.35);

  test.each([1, 2, 8])(
    'chunk %i: the gradient matches central differences with Richardson extrapolation',
    (chunk) => {
      const reference = gradient(loop, finiteDiff({ scheme: 'central', richardson: true }), x);
      const g = gradient(loop, forward({ chunk }), x);
      for (let i = 0; i < n; i++) {
        expect(Math.abs(g[i]! - reference[i]!)).toBeLessThanOrEqual(1e-8 * (1 + Math.abs(reference[i]!)));
      }
    },
  );

  test('forward over forward: the Hessian of x₀²x₁ + sin(x₀x₁) through a buffer', () => {
    const c = buffer(2);
    const f = (x: m.Value) => {
      c.set(0, m.mul(m.get(x, 0), m.get(x, 0)));
      c.set(1, m.mul(m.get(x, 0), m.get(x, 1)));
      return m.add(m.mul(c.get(0), m.get(x, 1)), m.sin(c.get(1)));
    };
    const [p, q] = [0.6, -1.4];
    const s = Math.sin(p * q);
    const off = 2 * p + Math.cos(p * q) - p * q * s;
    const ref = [2 * q - q * q * s, off, off, -p * p * s];
    const H = hessian(f, secondOrder(forward(), forward()), Float64Array.of(p, q));
    ref.forEach((r, k) => expect(H.data[k]).toBeCloseTo(r, 13));
    expect(c.read()).toEqual(Float64Array.of(p * p, p * q));
  });
});

describe('what is enclosed costs nothing', () => {
  const width = 32;
  const W = new NDArray(pseudoRandom(width * width, 5), [width, width]);
  const input = pseudoRandom(width, 6);
  const network = (W: NDArray) => m.sum(m.tanh(m.matvec(W, m.tanh(m.matvec(W, input)))));

  test('x ↦ network(W) + x interprets only the one primitive that touches x', () => {
    const e = forward();
    expect(derivative((x: m.Value) => m.add(network(W), x), e, 0.5)).toBe(1);
    expect(e.lastPassApplications).toBe(1);
    expect(derivative((x: m.Value, W: NDArray) => m.add(network(W), x), e, 0.5, constant(W))).toBe(1);
    expect(e.lastPassApplications).toBe(1);
  });

  test('leaves of x seeded with zero in a chunk are constants in that pass', () => {
    const e = forward({ chunk: 1 });
    const x = { a: 2, b: 3 };
    // Each pass seeds one leaf; the other leaf's square is never interpreted.
    jacobian((p: { a: m.Value; b: m.Value }) => m.add(m.square(p.a), m.square(p.b)), e, x);
    expect(e.lastPassApplications).toBe(2);
  });
});

describe('faults', () => {
  test('a traced value used as a JS number is a TracedValueError', () => {
    const plain = new Float64Array(1);
    const f = (x: m.Value) => {
      plain[0] = x as number;
      return x;
    };
    expect(() => derivative(f, forward(), 1)).toThrow(TracedValueError);
  });

  test('a traced value kept after its differentiation ended is a TraceEscapedError', () => {
    let leaked: m.Value = 0;
    derivative(
      (x: m.Value) => {
        leaked = m.mul(x, 2);
        return leaked;
      },
      forward(),
      1,
    );
    expect(() => m.add(leaked, 1)).toThrow(TraceEscapedError);
  });

  test('a tangent shaped unlike x is a StructureMismatchError naming it', () => {
    const f = (x: m.Value) => m.square(x);
    const call = () => pushforward(f, forward(), Float64Array.of(1, 2, 3), [Float64Array.of(1, 2)]);
    expect(call).toThrow(StructureMismatchError);
    expect(call).toThrow(/tangents\[0\]/);
  });

  test('value() reads the primal for control flow', () => {
    const f = (x: m.Value) => ((m.value(x) as number) > 0 ? m.square(x) : m.neg(x));
    expect(derivative(f, forward(), 3)).toBe(6);
    expect(derivative(f, forward(), -3)).toBe(-1);
  });
});

/** Node's memory counters; the browser run has none to read. */
const nodeMemory = typeof process !== 'undefined' && typeof process.memoryUsage === 'function';

describe.runIf(nodeMemory && !underMutation)('memory', () => {
  test('10,000 prepared calls do not grow the heap', () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    const a = buffer(3);
    const x = Float64Array.of(1, 2, 3);
    const prep = prepareDerivative(
      (s: m.Value) => {
        a.assign(m.mul(m.mul(x, s), 2));
        return m.sum(m.square(a.read()));
      },
      forward(),
      1,
    );
    const run = (k: number) => {
      for (let i = 0; i < k; i++) prep.derivative(1);
    };
    run(1000);
    gc?.();
    const before = process.memoryUsage().heapUsed;
    run(10_000);
    gc?.();
    const after = process.memoryUsage().heapUsed;
    // Without gc exposed the check only bounds gross leaks; with it, a tight one.
    expect(after - before).toBeLessThan(gc ? 2_000_000 : 50_000_000);
    expect(prep.derivative(1)).toBe(8 * 14);
  });
});
