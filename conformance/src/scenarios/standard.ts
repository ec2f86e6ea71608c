/**
 * The standard shapes, each with every operator it admits, at sizes 0 (empty), 1 and moderate:
 * number→number, number→vector, vector→number, vector→vector, matrix→matrix, vector→matrix, and
 * rows gathered and scattered (`take`, `scatterAdd`).
 */
import { NDArray } from '@diffint/core';
import * as m from '@diffint/core/math';
import type { Operator, Scenario } from '../types.js';
import { type Analytic, matrix, scenariosFrom, wave } from './derive.js';
import { withVariants } from './variants.js';

const family = 'standard';
const firstOrder: Operator[] = ['jacobian', 'pushforward', 'pullback'];

interface Shape {
  readonly name: string;
  readonly sizes: readonly number[];
  readonly operators: readonly Operator[];
  /** f for size n. */
  readonly f: (n: number) => (x: m.Value) => m.Value;
  readonly at: (n: number) => Analytic;
}

const vector = (n: number, k: number) => Float64Array.from({ length: n }, (_, i) => 0.9 * wave(k)(i));
const sum = (v: Float64Array) => v.reduce((s, e) => s + e, 0);
const sech2 = (v: number) => 1 - Math.tanh(v) ** 2;

const shapes: Shape[] = [
  {
    // f = x² sin x
    name: 'number-to-number',
    sizes: [1],
    operators: [
      'derivative',
      'gradient',
      'jacobian',
      'pushforward',
      'pullback',
      'hessian',
      'hvp',
      'secondDerivative',
    ],
    f: () => (x) => m.mul(m.square(x), m.sin(x)),
    at: () => {
      const x = 0.8;
      const s = Math.sin(x);
      const c = Math.cos(x);
      const d2 = -x * x * s + 4 * x * c + 2 * s;
      return {
        x,
        value: x * x * s,
        jacobian: matrix(1, 1, () => x * x * c + 2 * x * s),
        hessian: matrix(1, 1, () => d2),
        secondDerivative: d2,
      };
    },
  },
  {
    // fᵢ = sin(kᵢ x), kᵢ = (i + 1) / 2
    name: 'number-to-vector',
    sizes: [0, 1, 7],
    operators: ['derivative', ...firstOrder, 'secondDerivative'],
    f: (n) => {
      const k = ks(n);
      return (x) => m.sin(m.mul(x, k));
    },
    at: (n) => {
      const x = 0.6;
      const k = ks(n);
      return {
        x,
        value: k.map((ki) => Math.sin(ki * x)),
        jacobian: matrix(n, 1, (i) => k[i]! * Math.cos(k[i]! * x)),
        secondDerivative: k.map((ki) => -ki * ki * Math.sin(ki * x)),
      };
    },
  },
  {
    // f = Σ xᵢ sin xᵢ + (Σ xᵢ)² / 2
    name: 'vector-to-number',
    sizes: [0, 1, 12],
    operators: ['gradient', ...firstOrder, 'hessian', 'hvp'],
    f: () => (x) => m.add(m.sum(m.mul(x, m.sin(x))), m.mul(0.5, m.square(m.sum(x)))),
    at: (n) => {
      const x = vector(n, 60);
      const t = sum(x);
      return {
        x,
        value: sum(x.map((v) => v * Math.sin(v))) + (t * t) / 2,
        jacobian: matrix(1, n, (_, j) => Math.sin(x[j]!) + x[j]! * Math.cos(x[j]!) + t),
        hessian: matrix(n, n, (i, j) => 1 + (i === j ? 2 * Math.cos(x[i]!) - x[i]! * Math.sin(x[i]!) : 0)),
      };
    },
  },
  {
    // f = Σ σ(xᵢ) + tan(xᵢ/2) cos xᵢ
    name: 'vector-to-number-activations',
    sizes: [0, 1, 6],
    operators: ['gradient', ...firstOrder, 'hessian', 'hvp'],
    f: () => (x) => m.sum(m.add(m.sigmoid(x), m.mul(m.tan(m.mul(0.5, x)), m.cos(x)))),
    at: (n) => {
      const x = vector(n, 64);
      const sig = (v: number) => 1 / (1 + Math.exp(-v));
      const sec2 = (v: number) => 1 / Math.cos(v) ** 2;
      const g = (v: number) => {
        const s = sig(v);
        return s * (1 - s) + 0.5 * sec2(v / 2) * Math.cos(v) - Math.tan(v / 2) * Math.sin(v);
      };
      const h = (v: number) => {
        const [s, u] = [sig(v), v / 2];
        return (
          s * (1 - s) * (1 - 2 * s) +
          0.5 * sec2(u) * Math.tan(u) * Math.cos(v) -
          sec2(u) * Math.sin(v) -
          Math.tan(u) * Math.cos(v)
        );
      };
      return {
        x,
        value: sum(x.map((v) => sig(v) + Math.tan(v / 2) * Math.cos(v))),
        jacobian: matrix(1, n, (_, j) => g(x[j]!)),
        hessian: matrix(n, n, (i, j) => (i === j ? h(x[i]!) : 0)),
      };
    },
  },
  {
    // fᵢ = tanh(xᵢ) Σ x
    name: 'vector-to-vector',
    sizes: [0, 1, 9],
    operators: firstOrder,
    f: () => (x) => m.mul(m.tanh(x), m.sum(x)),
    at: (n) => {
      const x = vector(n, 61);
      const t = sum(x);
      return {
        x,
        value: x.map((v) => Math.tanh(v) * t),
        jacobian: matrix(n, n, (i, j) => Math.tanh(x[i]!) + (i === j ? sech2(x[i]!) * t : 0)),
      };
    },
  },
  {
    // F = X·X + sin X for a square X
    name: 'matrix-to-matrix',
    sizes: [0, 1, 4],
    operators: firstOrder,
    f: () => (X) => m.add(m.matmul(X, X), m.sin(X)),
    at: (n) => {
      const X = new NDArray(vector(n * n, 62), [n, n]);
      const at = (i: number, j: number) => X.data[i * n + j]!;
      const value = matrix(n, n, (i, j) => {
        let s = Math.sin(at(i, j));
        for (let k = 0; k < n; k++) s += at(i, k) * at(k, j);
        return s;
      });
      // ∂F_ij/∂X_kl = δ_ik X_lj + X_ik δ_jl + δ_ik δ_jl cos X_ij
      const jacobian = matrix(n * n, n * n, (r, c) => {
        const [i, j, k, l] = [Math.floor(r / n), r % n, Math.floor(c / n), c % n];
        return (i === k ? at(l, j) : 0) + (j === l ? at(i, k) : 0) + (r === c ? Math.cos(at(i, j)) : 0);
      });
      return { x: X, value, jacobian };
    },
  },
  {
    // F_ij = xᵢ exp(xⱼ)
    name: 'vector-to-matrix',
    sizes: [0, 1, 5],
    operators: firstOrder,
    f: () => (x) => {
      const n = m.size(x);
      return m.matmul(m.reshape(x, [n, 1]), m.reshape(m.exp(x), [1, n]));
    },
    at: (n) => {
      const x = vector(n, 63);
      return {
        x,
        value: matrix(n, n, (i, j) => x[i]! * Math.exp(x[j]!)),
        jacobian: matrix(n * n, n, (r, k) => {
          const [i, j] = [Math.floor(r / n), r % n];
          return (i === k ? Math.exp(x[j]!) : 0) + (j === k ? x[i]! * Math.exp(x[j]!) : 0);
        }),
      };
    },
  },
  {
    // Gathering and scattering rows: a = x[idx] with a repeated index, yₖ = aₖ², then
    // b = scatterAdd(0, idx, sin a) (bⱼ = cⱼ sin xⱼ, cⱼ the times j occurs in idx) and y = (a², b ⊙ x).
    name: 'gather-scatter',
    sizes: [1, 5],
    operators: firstOrder,
    f: (n) => (x) => {
      const idx = gathered(n);
      const a = m.take(x, idx);
      const b = m.scatterAdd(m.zeros([n]), idx, m.sin(a));
      return m.concat([m.square(a), m.mul(b, x)]);
    },
    at: (n) => {
      const x = vector(n, 71);
      const idx = gathered(n);
      const count = (j: number) => idx.filter((k) => k === j).length;
      const rows = idx.length + n;
      return {
        x,
        value: Float64Array.from({ length: rows }, (_, r) =>
          r < idx.length
            ? x[idx[r]!]! ** 2
            : count(r - idx.length) * Math.sin(x[r - idx.length]!) * x[r - idx.length]!,
        ),
        jacobian: matrix(rows, n, (r, j) => {
          if (r < idx.length) return idx[r] === j ? 2 * x[j]! : 0;
          return r - idx.length === j ? count(j) * (Math.cos(x[j]!) * x[j]! + Math.sin(x[j]!)) : 0;
        }),
      };
    },
  },
];

/** The rows gathered from a vector of length n: the last one twice, the first once. */
function gathered(n: number): number[] {
  return [n - 1, 0, n - 1];
}

function ks(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => (i + 1) / 2);
}

const bases: Scenario[] = shapes.flatMap((shape) =>
  shape.sizes.flatMap((n) =>
    scenariosFrom(
      {
        name: shape.sizes.length > 1 ? `${shape.name}-n${n}` : shape.name,
        family,
        tags: ['standard', ...(n === 0 ? ['empty'] : [])],
        f: shape.f(n),
      },
      shape.at(n),
      shape.operators,
    ),
  ),
);

/** Each shape also through an enclosed buffer, a cache, a constant factor, in place and nested. */
export const standardScenarios: Scenario[] = withVariants(bases);
