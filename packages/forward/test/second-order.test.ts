import {
  type Backend,
  type Buffer,
  type Engine,
  buffer,
  derivative,
  gradient,
  gradientAndHvp,
  hessian,
  hvp,
  prepareHvp,
  secondDerivative,
  secondOrder,
  valueGradientAndHessian,
} from '@diffint/core';
import { primitives } from '@diffint/core/engine';
import * as m from '@diffint/core/math';
import { tape } from '@diffint/tape';
import { describe, expect, test, vi } from 'vitest';
import { forward } from '../src/index.js';
import { expectClose, matrix, pseudoRandom } from './helpers.js';

/** Extended Rosenbrock Σ 100 (xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)², vectorised: a fixed number of primitives for any n. */
const rosenbrock = (x: m.Value) => {
  const n = m.size(x);
  const head = m.slice(x, 0, n - 1);
  const tail = m.slice(x, 1, n);
  return m.sum(m.add(m.mul(100, m.square(m.sub(tail, m.square(head)))), m.square(m.sub(1, head))));
};

function rosenbrockGradient(x: Float64Array): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length - 1; i++) {
    const r = x[i + 1]! - x[i]! ** 2;
    g[i]! += -400 * x[i]! * r - 2 * (1 - x[i]!);
    g[i + 1]! += 200 * r;
  }
  return g;
}

function rosenbrockHessian(x: Float64Array): Float64Array {
  const n = x.length;
  const H = new Float64Array(n * n);
  for (let i = 0; i < n - 1; i++) {
    H[i * n + i]! += 1200 * x[i]! ** 2 - 400 * x[i + 1]! + 2;
    H[i * n + i + 1]! += -400 * x[i]!;
    H[(i + 1) * n + i]! += -400 * x[i]!;
    H[(i + 1) * n + i + 1]! += 200;
  }
  return H;
}

const engines: Record<string, () => Engine> = {
  'forward()': () => forward(),
  'forward({ chunk: 1 })': () => forward({ chunk: 1 }),
  'tape()': () => tape(),
};
const names = Object.keys(engines);
const pairs = names.flatMap((outer) => names.map((inner) => [outer, inner] as const));
const backends: [string, () => Backend][] = [
  ...pairs.map(([o, i]): [string, () => Backend] => [
    `secondOrder(${o}, ${i})`,
    () => secondOrder(engines[o]!(), engines[i]!()),
  ]),
  ['forward() alone (forward over forward)', () => forward({ chunk: 3 })],
];

describe('extended Rosenbrock, n = 100, forward over tape', () => {
  const n = 100;
  const x = Float64Array.from({ length: n }, (_, i) => 0.5 + 0.3 * Math.sin(i));

  test('Hessian equals the analytic Hessian to 1e-10 relative; value and gradient too', () => {
    const [y, g, H] = valueGradientAndHessian(rosenbrock, secondOrder(forward(), tape()), x);
    expect(H.shape).toEqual([n, n]);
    expectClose(H, rosenbrockHessian(x), 1e-10);
    expectClose(g, rosenbrockGradient(x), 1e-12);
    let ref = 0;
    for (let i = 0; i < n - 1; i++) ref += 100 * (x[i + 1]! - x[i]! ** 2) ** 2 + (1 - x[i]!) ** 2;
    expectClose(y, ref, 1e-13);
  });

  test('hvp equals the analytic H·t for a batch of tangents', () => {
    const H = rosenbrockHessian(x);
    const ts = [pseudoRandom(n, 1), pseudoRandom(n, 2)];
    const [g, results] = gradientAndHvp(rosenbrock, secondOrder(forward(), tape()), x, ts);
    expectClose(g, rosenbrockGradient(x), 1e-12);
    ts.forEach((t, k) => {
      const ht = Float64Array.from({ length: n }, (_, i) =>
        t.reduce((s, tj, j) => s + H[i * n + j]! * tj, 0),
      );
      expectClose(results[k]!, ht, 1e-10);
    });
  });
});

describe('cost of a Hessian-vector product', () => {
  // Counts every float64 kernel run (each primitive applied to plain values) and every call of f.
  const kernelCalls = () => {
    const spies = Object.values(primitives).map((p) =>
      vi.spyOn(p as { impl: (...args: never[]) => unknown }, 'impl'),
    );
    return {
      count: () => spies.reduce((s, spy) => s + spy.mock.calls.length, 0),
      reset: () => {
        for (const spy of spies) spy.mockClear();
      },
      restore: () => {
        for (const spy of spies) spy.mockRestore();
      },
    };
  };

  test('forward over tape: one evaluation of f and the same kernel count for n = 10, 100, 1000', () => {
    const kernels = kernelCalls();
    try {
      const counts = [10, 100, 1000].map((n) => {
        let evaluations = 0;
        const f = (x: m.Value) => {
          evaluations++;
          return rosenbrock(x);
        };
        const x = Float64Array.from({ length: n }, (_, i) => 1 + 0.01 * i);
        kernels.reset();
        f(x);
        const plain = kernels.count();
        kernels.reset();
        evaluations = 0;
        const [ht] = hvp(f, secondOrder(forward(), tape()), x, [x]);
        expectClose(ht!, matrixTimes(rosenbrockHessian(x), x), 1e-12);
        expect(evaluations).toBe(1);
        return { plain, hvp: kernels.count() };
      });
      expect(counts[1]).toEqual(counts[0]);
      expect(counts[2]).toEqual(counts[0]);
      // Forward over reverse costs a small multiple of f, whatever n is.
      expect(counts[0]!.hvp).toBeLessThanOrEqual(10 * counts[0]!.plain);
    } finally {
      kernels.restore();
    }
  });

  test('a prepared forward-over-tape HVP runs as compiled code: no primitive is applied to plain values one by one', () => {
    const n = 40;
    const x = Float64Array.from({ length: n }, (_, i) => 1 + 0.01 * i);
    const v = Float64Array.from({ length: n }, (_, i) => Math.cos(0.7 * i));
    const p = prepareHvp(rosenbrock, secondOrder(forward(), tape()), x, [v]);
    for (let k = 0; k < 3; k++) p.hvp(x, [v]);
    const kernels = kernelCalls();
    try {
      const [ht] = p.hvp(x, [v]);
      expect(kernels.count()).toBe(0);
      expectClose(ht!, matrixTimes(rosenbrockHessian(x), v), 1e-12);
    } finally {
      kernels.restore();
    }
  });

  test('whereas a full Hessian by forward over tape takes ⌈n/chunk⌉ evaluations', () => {
    let evaluations = 0;
    const f = (x: m.Value) => {
      evaluations++;
      return rosenbrock(x);
    };
    hessian(f, secondOrder(forward({ chunk: 8 }), tape()), new Float64Array(50).fill(1));
    expect(evaluations).toBe(Math.ceil(50 / 8));
  });
});

function matrixTimes(H: Float64Array, t: Float64Array): Float64Array {
  const n = t.length;
  return Float64Array.from({ length: n }, (_, i) => t.reduce((s, tj, j) => s + H[i * n + j]! * tj, 0));
}

/** f(x) = Σ (sᵢ xᵢ)², then s ← s + x: it reads the buffer before writing it; H = diag(2 s²) at the starting s. */
function readThenStep(start: Float64Array) {
  const s = buffer(start);
  const f = (x: m.Value) => {
    const y = m.sum(m.square(m.mul(s.read(), x)));
    s.assign(m.add(s.read(), x));
    return y;
  };
  return { s, f };
}

/** `calls` times: `check` with the state s0 the call starts from, then s = s0 + x afterwards. */
function eachCall(s: Buffer, x: ArrayLike<number>, calls: number, check: (s0: Float64Array) => void): void {
  for (let call = 0; call < calls; call++) {
    const s0 = s.toFloat64Array();
    check(s0);
    expectClose(
      s.toFloat64Array(),
      s0.map((v, i) => v + x[i]!),
      0,
    );
  }
}

/** H·t = 2 s0² ∘ t for each tangent. */
function expectDiagonalProducts(
  products: readonly ArrayLike<number>[],
  ts: readonly ArrayLike<number>[],
  s0: Float64Array,
): void {
  ts.forEach((t, k) =>
    expectClose(
      Float64Array.from(products[k]!),
      Float64Array.from(t, (ti, i) => 2 * s0[i]! ** 2 * ti),
      1e-13,
    ),
  );
}

describe.each(backends)('%s', (_, make) => {
  test('Hessian and hvp of the Rosenbrock function (n = 7)', () => {
    const x = Float64Array.from(pseudoRandom(7, 4), (v) => 2 * v);
    const H = rosenbrockHessian(x);
    expectClose(hessian(rosenbrock, make(), x), H, 1e-12);
    const t = pseudoRandom(7, 5);
    expectClose(hvp(rosenbrock, make(), x, [t])[0]!, matrixTimes(H, t), 1e-12);
  });

  test('Hessian of ½ xᵀAx + Σ cos x is (A + Aᵀ)/2 − diag(cos x)', () => {
    const n = 5;
    const A = new m.NDArray(pseudoRandom(n * n, 6), [n, n]);
    const x = pseudoRandom(n, 7);
    const f = (x: m.Value) => m.add(m.mul(0.5, m.dot(x, m.matvec(A, x))), m.sum(m.cos(x)));
    const expected = matrix(
      n,
      n,
      (i, j) => (A.data[i * n + j]! + A.data[j * n + i]!) / 2 - (i === j ? Math.cos(x[i]!) : 0),
    );
    expectClose(hessian(f, make(), x), expected, 1e-13);
  });

  test('second derivative of x³ sin x', () => {
    const f = (x: m.Value) => m.mul(m.pow(x, 3), m.sin(x));
    for (const x of [-1.5, 0.4, 2]) {
      const s = Math.sin(x);
      const c = Math.cos(x);
      expectClose(secondDerivative(f, make(), x), 6 * x * s + 6 * x * x * c - x ** 3 * s);
    }
  });

  test('the motivating closure: f″ = 2 and the buffer holds 1 + x afterwards', () => {
    const a = buffer(1);
    const f = (x: m.Value) => {
      a.set(0, 1);
      a.set(0, m.add(a.get(0), x));
      return m.square(a.get(0));
    };
    for (const x of [2, -0.5]) {
      expect(secondDerivative(f, make(), x)).toBe(2);
      expect(a.get(0)).toBe(1 + x);
    }
  });

  test('state read before it is written: H = diag(2 s²) at the starting state, s ← s + x', () => {
    const { s, f } = readThenStep(Float64Array.of(1, 2, 3, 4));
    const x = Float64Array.of(1, -1, 0.5, 2);
    eachCall(s, x, 2, (s0) =>
      expectClose(
        hessian(f, make(), x),
        matrix(4, 4, (i, j) => (i === j ? 2 * s0[i]! ** 2 : 0)),
        1e-13,
      ),
    );
  });

  // Several tangents: over a reverse-mode outer engine, one outer call each, under one key. The
  // operator's journal settles the buffer state of f's first evaluation after all of them ended:
  // the values of the first call must still be its own.
  test('state read before it is written, three tangents: H·t = 2 s² ∘ t, s ← s + x', () => {
    const { s, f } = readThenStep(Float64Array.of(1, 2, 3));
    const x = Float64Array.of(1, -1, 0.5);
    const ts = [Float64Array.of(1, 0, 0), Float64Array.of(0, 1, 2), Float64Array.of(3, 0, 1)];
    const prepared = prepareHvp(f, make(), x, ts);
    eachCall(s, x, 3, (s0) => expectDiagonalProducts(prepared.hvp(x, ts), ts, s0));
  });

  test('the same in scalar code, slot by slot', () => {
    const s = buffer(Float64Array.of(1, 2, 3));
    const f = (x: m.Value[]) => {
      let y: m.Value = 0;
      for (let i = 0; i < 3; i++) {
        const si = s.get(i);
        y = m.add(y, m.square(m.mul(si, x[i]!)));
        s.set(i, m.add(si, x[i]!));
      }
      return y;
    };
    const x = [1, -1, 0.5];
    const ts = [
      [1, 0, 0],
      [0, 1, 2],
      [3, 0, 1],
    ];
    const prepared = prepareHvp(f, make(), x, ts);
    eachCall(s, x, 3, (s0) => expectDiagonalProducts(prepared.hvp(x, ts), ts, s0));
  });
});

describe.each(pairs)('nesting %s outside, %s inside', (outerName, innerName) => {
  const outer = engines[outerName]!;
  const inner = engines[innerName]!;

  test('d/dx [x · d/dy (x + y)] = 1 (no perturbation confusion)', () => {
    const g = (x: m.Value) => m.mul(x, derivative((y: m.Value) => m.add(x, y), inner(), 0) as m.Value);
    for (const x of [1, 7, -2]) expect(derivative(g, outer(), x)).toBe(1);
  });

  test('d/dx [d/dy (x y²) at y = x] = 4x', () => {
    const g = (x: m.Value) => derivative((y: m.Value) => m.mul(x, m.square(y)), inner(), x) as m.Value;
    for (const x of [1, 3, -0.5]) expect(derivative(g, outer(), x)).toBe(4 * x);
  });

  test('∇ₓ Σ x ⊙ ∇_y ⟨x, y⟩ = 2x (vectors, several chunks)', () => {
    const x = Float64Array.of(1, -2, 3, 0.5, 4);
    const g = (x: m.Value) =>
      m.sum(
        m.mul(
          x,
          gradient((y: m.Value) => m.dot(x, y), inner(), new Float64Array(5)),
        ),
      );
    expectClose(
      gradient(g, outer(), x),
      x.map((v) => 2 * v),
      0,
    );
  });

  test('one engine instance at both levels', () => {
    const e = outer();
    const g = (x: m.Value) => m.mul(x, derivative((y: m.Value) => m.mul(x, y), e, 1) as m.Value);
    expect(derivative(g, e, 3)).toBe(6);
  });
});

describe('third order', () => {
  test.each(pairs)('d/dx of f″ by %s over %s, under an outer forward pass: (x⁴)‴ = 24x', (o, i) => {
    const f = (x: m.Value) => m.square(m.square(x));
    const f2 = (x: m.Value) => secondDerivative(f, secondOrder(engines[o]!(), engines[i]!()), x) as m.Value;
    for (const x of [0.5, -2]) expectClose(derivative(f2, forward(), x), 24 * x, 1e-14);
  });
});
