import {
  NDArray,
  TraceEscapedError,
  TracedValueError,
  buffer,
  constant,
  derivative,
  gradient,
  hessian,
  prepareDerivative,
  prepareGradient,
  prepareHvp,
  pullback,
  valueAndGradient,
} from '@diffint/core';
import { finiteDiff } from '@diffint/finite-diff';
import { primitives } from '@diffint/core/engine';
import * as m from '@diffint/core/math';
import { describe, expect, test, vi } from 'vitest';
import { tape } from '../src/index.js';

/** Mutation runs skip the memory tests: seconds each, for every mutant they cover. */
const underMutation = typeof process !== 'undefined' && process.env.DIFFINT_MUTATION === '1';

describe('closure over a mutated buffer (the motivating example)', () => {
  const a = buffer(1);
  const f = (x: m.Value) => {
    a.set(0, 1);
    a.set(0, m.add(a.get(0), x));
    return m.square(a.get(0));
  };

  test('derivative is 2(1 + x) on every one of 1,000 calls, unprepared', () => {
    for (let i = 0; i < 1000; i++) {
      const x = (i % 7) - 3;
      expect(derivative(f, tape(), x)).toBe(2 * (1 + x));
      expect(a.get(0)).toBe(1 + x);
    }
  });

  test('derivative is 2(1 + x) on every one of 1,000 prepared calls', () => {
    const prep = prepareDerivative(f, tape(), 0);
    for (let i = 0; i < 1000; i++) {
      const x = i / 10;
      expect(prep.derivative(x)).toBe(2 * (1 + x));
    }
    expect(a.get(0)).toBe(1 + 99.9);
  });

  test('the same function over a plain Float64Array throws TracedValueError', () => {
    const plain = new Float64Array(1);
    const g = (x: m.Value) => {
      plain[0] = 1;
      plain[0] = m.add(plain[0], x) as number;
      return m.square(plain[0]);
    };
    expect(() => derivative(g, tape(), 2)).toThrow(TracedValueError);
    // and the error names the remedies
    expect(() => derivative(g, tape(), 2)).toThrow(/buffer\(\)/);
  });

  test('a vector version: cumulative sums written into an enclosed buffer', () => {
    const n = 5;
    const c = buffer(n);
    const h = (x: m.Value) => {
      c.set(0, m.get(x, 0));
      for (let i = 1; i < n; i++) c.set(i, m.add(c.get(i - 1), m.get(x, i)));
      return m.sum(m.square(c.read()));
    };
    const x = Float64Array.from({ length: n }, (_, i) => i + 1);
    // f = Σ_k (Σ_{i≤k} x_i)²  ⇒  ∂f/∂x_j = Σ_{k≥j} 2 S_k
    const S = x.map((_, k) => x.slice(0, k + 1).reduce((s, v) => s + v, 0));
    const expected = x.map((_, j) => S.slice(j).reduce((s, v) => s + 2 * v, 0));
    for (let rep = 0; rep < 3; rep++)
      expect(Array.from(gradient(h, tape(), x))).toEqual(Array.from(expected));
    expect(Array.from(c.read() as Float64Array)).toEqual(Array.from(S));
  });
});

describe('what is enclosed costs nothing', () => {
  const network = (params: { W: NDArray; b: Float64Array }[], input: Float64Array) => {
    let h: m.Value = input;
    for (const { W, b } of params) h = m.tanh(m.add(m.matvec(W, h), b));
    return h;
  };
  const makeParams = (width: number, depth: number) =>
    Array.from({ length: depth }, (_, l) => ({
      W: new NDArray(
        Float64Array.from({ length: width * width }, (_, i) => Math.sin(i + l) / width),
        [width, width],
      ),
      b: Float64Array.from({ length: width }, (_, i) => Math.cos(i + l)),
    }));

  test.each([
    [4, 2],
    [64, 6],
  ])('x ↦ sum(network(params)) + x records O(1) entries (width %i, depth %i)', (width, depth) => {
    const params = makeParams(width, depth);
    const input = Float64Array.from({ length: width }, (_, i) => i / width);
    const engine = tape();
    const enclosed = (x: m.Value) => m.add(m.sum(network(params, input)), x);
    expect(derivative(enclosed, engine, 0.5)).toBe(1);
    expect(engine.lastTapeLength).toBeLessThanOrEqual(1);
    const passed = (x: m.Value, p: typeof params) => m.add(m.sum(network(p, input)), x);
    expect(derivative(passed, engine, 0.5, constant(params))).toBe(1);
    expect(engine.lastTapeLength).toBeLessThanOrEqual(1);
  });
});

describe('nesting', () => {
  test('d/dx [x · d/dy (x + y)] = 1 (no perturbation confusion)', () => {
    const inner = (x: m.Value) => derivative((y: m.Value) => m.add(x, y), tape(), 0) as m.Value;
    expect(derivative((x: m.Value) => m.mul(x, inner(x)), tape(), 1)).toBe(1);
    expect(derivative((x: m.Value) => m.mul(x, inner(x)), tape(), 7)).toBe(1);
  });

  test('Hessian of the extended Rosenbrock matches the analytic Hessian to 1e-10', () => {
    const n = 10;
    const rosen = (x: m.Value) => {
      const xo = m.slice(x, 0, n - 1);
      const xn = m.slice(x, 1, n);
      return m.sum(m.add(m.mul(100, m.square(m.sub(xn, m.square(xo)))), m.square(m.sub(1, xo))));
    };
    const x = Float64Array.from({ length: n }, (_, i) => 0.5 + 0.1 * i * (i % 2 === 0 ? 1 : -1));
    const H = hessian(rosen, tape(), x);
    const ref = new Float64Array(n * n);
    for (let i = 0; i < n - 1; i++) {
      // term 100 (x_{i+1} - x_i²)² + (1 - x_i)²
      ref[i * n + i]! += 1200 * x[i]! ** 2 - 400 * x[i + 1]! + 2;
      ref[i * n + i + 1]! += -400 * x[i]!;
      ref[(i + 1) * n + i]! += -400 * x[i]!;
      ref[(i + 1) * n + i + 1]! += 200;
    }
    expect(H.shape).toEqual([n, n]);
    const scale = Math.max(...ref.map(Math.abs));
    for (let k = 0; k < n * n; k++) expect(Math.abs(H.data[k]! - ref[k]!)).toBeLessThanOrEqual(1e-10 * scale);
  });

  test('a prepared reverse-over-reverse HVP runs as compiled code: no primitive is applied to plain values one by one', () => {
    const n = 50;
    const rosen = (x: m.Value) => {
      const xo = m.slice(x, 0, n - 1);
      const xn = m.slice(x, 1, n);
      return m.sum(m.add(m.mul(100, m.square(m.sub(xn, m.square(xo)))), m.square(m.sub(1, xo))));
    };
    const x = Float64Array.from({ length: n }, (_, i) => 0.8 + 0.3 * Math.sin(i));
    const v = Float64Array.from({ length: n }, (_, i) => Math.cos(0.7 * i));
    // H·v by hand: the Hessian is tridiagonal.
    const ref = new Float64Array(n);
    for (let i = 0; i < n - 1; i++) {
      const dii = 1200 * x[i]! ** 2 - 400 * x[i + 1]! + 2;
      const off = -400 * x[i]!;
      ref[i]! += dii * v[i]! + off * v[i + 1]!;
      ref[i + 1]! += off * v[i]! + 200 * v[i + 1]!;
    }
    const grad = new Float64Array(n);
    for (let i = 0; i < n - 1; i++) {
      const r = x[i + 1]! - x[i]! ** 2;
      grad[i]! += -400 * x[i]! * r - 2 * (1 - x[i]!);
      grad[i + 1]! += 200 * r;
    }
    const p = prepareHvp(rosen, tape(), x, [v]);
    for (let k = 0; k < 3; k++) p.hvp(x, [v]);
    const spies = Object.values(primitives).map((q) =>
      vi.spyOn(q as { impl: (...args: never[]) => unknown }, 'impl'),
    );
    try {
      const [g, hvps] = p.gradientAndHvp(x, [v]);
      expect(spies.reduce((s, spy) => s + spy.mock.calls.length, 0)).toBe(0);
      const h = hvps[0] as Float64Array;
      const scale = Math.max(...ref.map(Math.abs));
      for (let k = 0; k < n; k++) expect(Math.abs(h[k]! - ref[k]!)).toBeLessThanOrEqual(1e-10 * scale);
      const gs = Math.max(...grad.map(Math.abs));
      for (let k = 0; k < n; k++)
        expect(Math.abs((g as Float64Array)[k]! - grad[k]!)).toBeLessThanOrEqual(1e-12 * gs);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });
});

describe('scalar code: elementwise ops on plain numbers are recorded as numbers', () => {
  const n = 6;
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
      b.set(i, t);
      acc = m.add(acc, m.mul(b.get(i), m.get(x, i)));
    }
    return acc;
  };
  const x = Float64Array.of(0.7, -1.3, 0.45, 1.1, -0.35, 0.9);

  test('the gradient matches central differences with Richardson extrapolation, on every call', () => {
    const reference = gradient(loop, finiteDiff({ scheme: 'central', richardson: true }), x);
    const prep = prepareGradient(loop, tape(), x);
    for (let call = 0; call < 3; call++) {
      const g = call === 0 ? gradient(loop, tape(), x) : prep.gradient(x);
      for (let i = 0; i < n; i++) {
        expect(Math.abs(g[i]! - reference[i]!)).toBeLessThanOrEqual(1e-8 * (1 + Math.abs(reference[i]!)));
      }
    }
  });

  test('scalars feeding an array op: f = |(x₀x₁, sin x₀)|²', () => {
    const f = (x: m.Value) => {
      const [x0, x1] = [m.get(x, 0), m.get(x, 1)];
      return m.sum(m.square(m.stack([m.mul(x0, x1), m.sin(x0)])));
    };
    const [a, c] = [0.8, -1.7];
    const g = gradient(f, tape(), Float64Array.of(a, c));
    expect(g[0]).toBeCloseTo(2 * a * c * c + 2 * Math.sin(a) * Math.cos(a), 14);
    expect(g[1]).toBeCloseTo(2 * a * a * c, 14);
  });

  test('a cotangent traced by an outer differentiation: d/dv pullback(g, x₀, v) = g′(x₀)', () => {
    const g = (x: m.Value) => m.mul(m.sin(x), m.mul(x, x));
    const x0 = 0.7;
    const dg = Math.cos(x0) * x0 * x0 + 2 * x0 * Math.sin(x0);
    // The operator types describe plain calls; inside a differentiation a seed may be traced.
    const vjp = (v: m.Value) => pullback(g, tape(), x0, [v as number])[0] as m.Value;
    expect(derivative(vjp, tape(), 3)).toBeCloseTo(dg, 14);
    expect(derivative((v: m.Value) => m.mul(v, vjp(v)), tape(), 3)).toBeCloseTo(2 * 3 * dg, 13);
  });

  test('the Hessian of scalar code through a buffer, reverse over reverse', () => {
    // f = x₀²x₁ + sin(x₀x₁)
    const c = buffer(2);
    const f = (x: m.Value) => {
      c.set(0, m.mul(m.get(x, 0), m.get(x, 0)));
      c.set(1, m.mul(m.get(x, 0), m.get(x, 1)));
      return m.add(m.mul(c.get(0), m.get(x, 1)), m.sin(c.get(1)));
    };
    const [p, q] = [0.6, -1.4];
    const s = Math.sin(p * q);
    const ref = [
      2 * q - q * q * s,
      2 * p + Math.cos(p * q) - p * q * s,
      2 * p + Math.cos(p * q) - p * q * s,
      -p * p * s,
    ];
    const H = hessian(f, tape(), Float64Array.of(p, q));
    ref.forEach((r, k) => expect(H.data[k]).toBeCloseTo(r, 13));
    expect(c.read()).toEqual(Float64Array.of(p * p, p * q));
  });
});

describe('parameter structs', () => {
  type Layer = { W: NDArray; b: Float64Array };
  const rand = (seed: number) => () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647 - 0.5;
  };

  test('MLP loss gradient matches a hand-written backpropagation', () => {
    const r = rand(42);
    const sizes = [3, 5, 4, 2];
    const params = {
      layers: sizes.slice(1).map(
        (out, l): Layer => ({
          W: new NDArray(Float64Array.from({ length: out * sizes[l]! }, r), [out, sizes[l]!]),
          b: Float64Array.from({ length: out }, r),
        }),
      ),
    };
    const batch = 6;
    const X = new NDArray(Float64Array.from({ length: batch * 3 }, r), [batch, 3]);
    const Y = new NDArray(Float64Array.from({ length: batch * 2 }, r), [batch, 2]);

    const loss = (p: { layers: { W: m.Value; b: m.Value }[] }, X: NDArray, Y: NDArray) => {
      let h: m.Value = X;
      p.layers.forEach(({ W, b }, l) => {
        h = m.add(m.matmul(h, m.transpose(W)), b);
        if (l < p.layers.length - 1) h = m.tanh(h);
      });
      return m.mean(m.square(m.sub(h, Y)));
    };
    const [value, g] = valueAndGradient(loss, tape(), params, constant(X), constant(Y));

    // Plain-JS forward and backward pass, sample by sample.
    const L = params.layers;
    const gW = L.map((l) => new Float64Array(l.W.size));
    const gb = L.map((l) => new Float64Array(l.b.length));
    let ref = 0;
    for (let s = 0; s < batch; s++) {
      const acts: number[][] = [Array.from(X.data.slice(s * 3, s * 3 + 3))];
      L.forEach((layer, l) => {
        const [out, inp] = layer.W.shape as [number, number];
        const prev = acts[l]!;
        const z = Array.from({ length: out }, (_, i) => {
          let t = layer.b[i]!;
          for (let j = 0; j < inp; j++) t += layer.W.data[i * inp + j]! * prev[j]!;
          return t;
        });
        acts.push(l < L.length - 1 ? z.map(Math.tanh) : z);
      });
      const outAct = acts[L.length]!;
      let delta = outAct.map((o, i) => {
        const d = o - Y.data[s * 2 + i]!;
        ref += (d * d) / (batch * 2);
        return (2 * d) / (batch * 2);
      });
      for (let l = L.length - 1; l >= 0; l--) {
        const [out, inp] = L[l]!.W.shape as [number, number];
        const prev = acts[l]!;
        for (let i = 0; i < out; i++) {
          gb[l]![i]! += delta[i]!;
          for (let j = 0; j < inp; j++) gW[l]![i * inp + j]! += delta[i]! * prev[j]!;
        }
        if (l > 0) {
          delta = prev.map((a, j) => {
            let t = 0;
            for (let i = 0; i < out; i++) t += L[l]!.W.data[i * inp + j]! * delta[i]!;
            return t * (1 - a * a);
          });
        }
      }
    }
    expect(value).toBeCloseTo(ref, 12);
    g.layers.forEach((layer, l) => {
      expect(layer.W).toBeInstanceOf(NDArray);
      expect(layer.b).toBeInstanceOf(Float64Array);
      layer.W.data.forEach((v, k) => expect(v).toBeCloseTo(gW[l]![k]!, 12));
      layer.b.forEach((v, k) => expect(v).toBeCloseTo(gb[l]![k]!, 12));
    });
  });
});

describe('faults', () => {
  test('an error thrown by f reaches the caller unchanged; buffers settle; the next call is correct', () => {
    const a = buffer(2);
    const boom = new Error('boom');
    let fail = true;
    const f = (x: m.Value) => {
      a.set(0, m.mul(x, 3));
      if (fail) throw boom;
      a.set(1, m.square(a.get(0)));
      return a.get(1);
    };
    expect(() => derivative(f, tape(), 2)).toThrow(boom);
    expect(a.get(0)).toBe(6); // the primal of what was written before the error
    fail = false;
    expect(derivative(f, tape(), 2)).toBe(18 * 2); // d/dx 9x² = 18x
    expect(a.get(1)).toBe(36);
  });

  test('a traced value used after its differentiation ended is a TraceEscapedError', () => {
    let leaked: m.Value = 0;
    derivative(
      (x: m.Value) => {
        leaked = m.mul(x, 2);
        return leaked;
      },
      tape(),
      1,
    );
    expect(() => m.add(leaked, 1)).toThrow(TraceEscapedError);
    expect(() => m.value(leaked)).toThrow(TraceEscapedError);
    // the message names the engine whose differentiation ended
    expect(() => m.add(leaked, 1)).toThrow('A traced value of a tape differentiation that has already ended');
  });

  test('a 20,000-op chain does not overflow the stack', () => {
    const f = (x: m.Value) => {
      let y = x;
      for (let i = 0; i < 20_000; i++) y = m.add(m.mul(y, 0.9999), 0.0001);
      return y;
    };
    expect(derivative(f, tape(), 1)).toBeCloseTo(0.9999 ** 20_000, 12);
  });
});

/** Node's memory counters; the browser run has none to read. */
const nodeMemory = typeof process !== 'undefined' && typeof process.memoryUsage === 'function';

describe.runIf(nodeMemory && !underMutation)('memory', () => {
  test('10,000 prepared calls do not grow the heap', () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    const a = buffer(3);
    const f = (x: m.Value) => {
      a.assign(m.mul(x, 2));
      return m.sum(m.square(a.read()));
    };
    const x = Float64Array.of(1, 2, 3);
    const prep = prepareDerivative((s: m.Value) => f(m.mul(x, s)), tape(), 1);
    const run = (k: number) => {
      for (let i = 0; i < k; i++) prep.derivative(1);
    };
    run(1000);
    gc?.();
    const before = process.memoryUsage().heapUsed;
    run(10_000);
    gc?.();
    const after = process.memoryUsage().heapUsed;
    // Without gc exposed the check is only a bound on gross leaks; with it, a tight one.
    expect(after - before).toBeLessThan(gc ? 2_000_000 : 50_000_000);
  });
});

describe.runIf(nodeMemory && !underMutation)('memory of a prepared gradientInto', () => {
  test('10,000 prepared gradientInto calls of an array function do not grow the heap', () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    const f = (x: m.Value) => {
      const n = m.size(x);
      const a = m.slice(x, 0, n - 1);
      const b = m.slice(x, 1, n);
      return m.sum(m.add(m.mul(100, m.square(m.sub(b, m.square(a)))), m.square(m.sub(1, a))));
    };
    const x = Float64Array.of(-1.2, 1, -1.2);
    const out = new Float64Array(3);
    const prep = prepareGradient(f, tape(), x);
    const run = (k: number) => {
      for (let i = 0; i < k; i++) prep.gradientInto(out, x);
    };
    run(1000);
    gc?.();
    const before = process.memoryUsage().heapUsed;
    run(10_000);
    gc?.();
    const after = process.memoryUsage().heapUsed;
    // ∂/∂x of Rosenbrock at (-1.2, 1, -1.2): the gradient written in place, every call.
    const g0 = -400 * -1.2 * (1 - 1.44) - 2 * (1 - -1.2);
    expect(out[0]).toBeCloseTo(g0, 10);
    expect(after - before).toBeLessThan(gc ? 2_000_000 : 50_000_000);
  });
});

describe.runIf(nodeMemory && !underMutation)('memory of scalar code', () => {
  test('10,000 prepared calls of a scalar loop grow neither the heap nor array-buffer memory', () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    const s = buffer(51);
    const f = (x: m.Value) => {
      s.set(0, x);
      for (let i = 0; i < 50; i++) s.set(i + 1, m.add(s.get(i), m.sin(m.mul(x, i / 50))));
      return s.get(50);
    };
    const prep = prepareDerivative(f, tape(), 0.5);
    const run = (k: number) => {
      for (let i = 0; i < k; i++) prep.derivative(0.5);
    };
    run(1000);
    gc?.();
    const before = process.memoryUsage();
    run(10_000);
    gc?.();
    const after = process.memoryUsage();
    expect(after.heapUsed - before.heapUsed).toBeLessThan(gc ? 2_000_000 : 50_000_000);
    // The recordings of 10,000 calls take about 60 MB of columns; what stays is one block.
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(gc ? 4_000_000 : 200_000_000);
  });
});
