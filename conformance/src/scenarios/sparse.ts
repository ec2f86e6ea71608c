/**
 * Sparse Jacobians and Hessians: banded, block-diagonal and arrowhead structure, a 2-D
 * five-point stencil through an enclosed buffer, the Gierer–Meinhardt and Brusselator
 * right-hand sides written with enclosed caches (and as in-place functions), and sparse
 * Hessians. Each reference gives the dense value and the exact sparsity pattern, both analytic;
 * a sparse backend's detected pattern must equal the pattern exactly.
 */
import { type Buffer, buffer } from '@diffint/core';
import * as m from '@diffint/core/math';
import type { Scenario } from '../types.js';
import { type Analytic, matrix, scenariosFrom, wave } from './derive.js';

const family = 'sparse';

/** The pattern of a dense analytic matrix that is structurally nonzero where `nonzero` says. */
function patternOf(rows: number, cols: number, nonzero: (i: number, j: number) => boolean): number[][] {
  return Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => j).filter((j) => nonzero(i, j)),
  );
}

/** Scenarios of one operator with the pattern added to the reference. */
function sparseScenarios(
  common: Omit<Parameters<typeof scenariosFrom>[0], 'family'>,
  a: Analytic,
  operator: 'jacobian' | 'hessian',
  pattern: number[][],
): Scenario[] {
  return scenariosFrom({ family, ...common }, a, [operator]).map((s) => ({
    ...s,
    reference: { ...s.reference, pattern },
  }));
}

// ---- banded: y_i = 2 x_i² + x_{i−1} − sin x_{i+1} ----

const nb = 8;
const xb = Float64Array.from({ length: nb }, (_, i) => wave(3)(i));
const banded = (x: m.Value) => {
  const left = m.pad(m.slice(x, 0, nb - 1), 1, 0);
  const right = m.pad(m.slice(x, 1, nb), 0, 1);
  return m.sub(m.add(m.mul(m.square(x), 2), left), m.sin(right));
};
const bandedRef: Analytic = {
  x: xb,
  value: Float64Array.from(xb, (v, i) => 2 * v * v + (xb[i - 1] ?? 0) - Math.sin(xb[i + 1] ?? 0)),
  jacobian: matrix(nb, nb, (i, j) =>
    j === i ? 4 * xb[i]! : j === i - 1 ? 1 : j === i + 1 ? -Math.cos(xb[j]!) : 0,
  ),
};

// ---- block-diagonal: per block b, (p, q) ↦ (p q, eᵖ − q²) ----

const blocks = 3;
const xd = Float64Array.from({ length: 2 * blocks }, (_, i) => 0.5 + 0.4 * wave(5)(i));
const blockDiagonal = (x: m.Value) => {
  const PQ = m.transpose(m.reshape(x, [blocks, 2]));
  const [p, q] = [m.get(PQ, 0), m.get(PQ, 1)];
  return m.reshape(m.transpose(m.stack([m.mul(p, q), m.sub(m.exp(p), m.square(q))])), [2 * blocks]);
};
const blockRef: Analytic = {
  x: xd,
  value: Float64Array.from({ length: 2 * blocks }, (_, k) => {
    const [p, q] = [xd[k - (k % 2)]!, xd[k - (k % 2) + 1]!];
    return k % 2 === 0 ? p * q : Math.exp(p) - q * q;
  }),
  jacobian: matrix(2 * blocks, 2 * blocks, (i, j) => {
    if (Math.floor(i / 2) !== Math.floor(j / 2)) return 0;
    const [p, q] = [xd[i - (i % 2)]!, xd[i - (i % 2) + 1]!];
    if (i % 2 === 0) return j % 2 === 0 ? q : p;
    return j % 2 === 0 ? Math.exp(p) : -2 * q;
  }),
};

// ---- arrowhead: y₀ = Σ x_j², y_i = x₀ x_i ----

const na = 6;
const xa = Float64Array.from({ length: na }, (_, i) => 1 + 0.5 * wave(7)(i));
const arrowhead = (x: m.Value) =>
  m.concat([m.reshape(m.sum(m.square(x)), [1]), m.mul(m.slice(x, 1, na), m.get(x, 0))]);
const arrowheadRef: Analytic = {
  x: xa,
  value: Float64Array.from({ length: na }, (_, i) =>
    i === 0 ? xa.reduce((s, v) => s + v * v, 0) : xa[0]! * xa[i]!,
  ),
  jacobian: matrix(na, na, (i, j) => (i === 0 ? 2 * xa[j]! : j === 0 ? xa[i]! : j === i ? xa[0]! : 0)),
};

// ---- a 2-D five-point stencil through an enclosed buffer: y = Δu + u³, zero outside the grid ----

const side = 4;
const xs = Float64Array.from({ length: side * side }, (_, i) => 0.8 * wave(11)(i));
const stencilOut = buffer(side * side);
const stencil = (x: m.Value) => {
  const at = (i: number, j: number) =>
    i < 0 || j < 0 || i >= side || j >= side ? 0 : m.get(x, i * side + j);
  for (let i = 0; i < side; i++) {
    for (let j = 0; j < side; j++) {
      const c = m.get(x, i * side + j);
      const lap = m.sub(
        m.add(m.add(at(i - 1, j), at(i + 1, j)), m.add(at(i, j - 1), at(i, j + 1))),
        m.mul(4, c),
      );
      stencilOut.set(i * side + j, m.add(lap, m.mul(m.square(c), c)));
    }
  }
  return stencilOut.read();
};
const gridNeighbours = (p: number, q: number) => {
  const [i, j, k, l] = [Math.floor(p / side), p % side, Math.floor(q / side), q % side];
  return Math.abs(i - k) + Math.abs(j - l) === 1;
};
const stencilRef: Analytic = {
  x: xs,
  value: Float64Array.from(xs, (c, p) => {
    let s = -4 * c + c ** 3;
    for (let q = 0; q < xs.length; q++) if (gridNeighbours(p, q)) s += xs[q]!;
    return s;
  }),
  jacobian: matrix(side * side, side * side, (p, q) =>
    p === q ? -4 + 3 * xs[p]! ** 2 : gridNeighbours(p, q) ? 1 : 0,
  ),
};

// ---- reaction–diffusion right-hand sides on periodic grids, written through enclosed caches ----

/**
 * The periodic discrete Laplacian of `field` (cells `offset … offset + n − 1` of x) written into
 * the cache `lap`, cell by cell; `neighbours(k)` lists the cells next to cell k.
 */
function laplacianInto(
  lap: Buffer,
  x: m.Value,
  offset: number,
  neighbours: (k: number) => readonly number[],
) {
  for (let k = 0; k < lap.size; k++) {
    const around = neighbours(k);
    let s: m.Value = m.mul(-around.length, m.get(x, offset + k));
    for (const c of around) s = m.add(s, m.get(x, offset + c));
    lap.set(k, s);
  }
}

// Gierer–Meinhardt on a 1-D ring of `ring` cells: activator a, inhibitor h.
//   da = Da Δa + ρ a²/h − μa a + σ,   dh = Dh Δh + ρ a² − μh h
const ring = 6;
const gm = { Da: 0.05, Dh: 1, rho: 1, mua: 1, muh: 1.5, sigma: 0.1 };
const ringNeighbours = (k: number) => [(k + ring - 1) % ring, (k + 1) % ring];
const gmLapA = buffer(ring);
const gmLapH = buffer(ring);
const gmOut = buffer(2 * ring);
const gmInto = (y: Buffer, x: m.Value) => {
  laplacianInto(gmLapA, x, 0, ringNeighbours);
  laplacianInto(gmLapH, x, ring, ringNeighbours);
  for (let k = 0; k < ring; k++) {
    const a = m.get(x, k);
    const h = m.get(x, ring + k);
    const a2 = m.square(a);
    const da = m.add(
      m.sub(m.add(m.mul(gm.Da, gmLapA.get(k)), m.div(m.mul(gm.rho, a2), h)), m.mul(gm.mua, a)),
      gm.sigma,
    );
    const dh = m.sub(m.add(m.mul(gm.Dh, gmLapH.get(k)), m.mul(gm.rho, a2)), m.mul(gm.muh, h));
    y.set(k, da);
    y.set(ring + k, dh);
  }
};
const gierer = (x: m.Value) => {
  gmInto(gmOut, x);
  return gmOut.read();
};
const xg = Float64Array.from({ length: 2 * ring }, (_, k) => (k < ring ? 1 : 2) + 0.3 * wave(13)(k));
function diffusion(neighbours: (k: number) => readonly number[], i: number, j: number): number {
  return i === j ? -neighbours(i).length : neighbours(i).includes(j) ? 1 : 0;
}
const giererRef: Analytic = {
  x: xg,
  value: Float64Array.from({ length: 2 * ring }, (_, k) => {
    const c = k % ring;
    const lap = (off: number) => ringNeighbours(c).reduce((s, q) => s + xg[off + q]!, -2 * xg[off + c]!);
    const [a, h] = [xg[c]!, xg[ring + c]!];
    return k < ring
      ? gm.Da * lap(0) + (gm.rho * a * a) / h - gm.mua * a + gm.sigma
      : gm.Dh * lap(ring) + gm.rho * a * a - gm.muh * h;
  }),
  jacobian: matrix(2 * ring, 2 * ring, (i, j) => {
    const [ci, cj] = [i % ring, j % ring];
    const [a, h] = [xg[ci]!, xg[ring + ci]!];
    const sameField = i < ring === j < ring;
    const d = sameField ? (i < ring ? gm.Da : gm.Dh) * diffusion(ringNeighbours, ci, cj) : 0;
    if (ci !== cj) return d;
    if (i < ring) return d + (j < ring ? (2 * gm.rho * a) / h - gm.mua : (-gm.rho * a * a) / (h * h));
    return d + (j < ring ? 2 * gm.rho * a : -gm.muh);
  }),
};
const giererPattern = patternOf(2 * ring, 2 * ring, (i, j) => {
  const [ci, cj] = [i % ring, j % ring];
  return ci === cj || (i < ring === j < ring && ringNeighbours(ci).includes(cj));
});

// The 2-D Brusselator on an N × N torus: du = A + u²v − (B + 1)u + α Δu, dv = Bu − u²v + α Δv.
const N = 3;
const cells = N * N;
const br = { A: 1, B: 3, alpha: 0.1 };
const torus = (k: number) => {
  const [i, j] = [Math.floor(k / N), k % N];
  return [((i + N - 1) % N) * N + j, ((i + 1) % N) * N + j, i * N + ((j + N - 1) % N), i * N + ((j + 1) % N)];
};
const brLapU = buffer(cells);
const brLapV = buffer(cells);
const brOut = buffer(2 * cells);
const brusselatorInto = (y: Buffer, x: m.Value) => {
  laplacianInto(brLapU, x, 0, torus);
  laplacianInto(brLapV, x, cells, torus);
  for (let k = 0; k < cells; k++) {
    const u = m.get(x, k);
    const v = m.get(x, cells + k);
    const uuv = m.mul(m.square(u), v);
    y.set(k, m.add(m.sub(m.add(br.A, uuv), m.mul(br.B + 1, u)), m.mul(br.alpha, brLapU.get(k))));
    y.set(cells + k, m.add(m.sub(m.mul(br.B, u), uuv), m.mul(br.alpha, brLapV.get(k))));
  }
};
const brusselator = (x: m.Value) => {
  brusselatorInto(brOut, x);
  return brOut.read();
};
const xr = Float64Array.from({ length: 2 * cells }, (_, k) => (k < cells ? 1 : 3) + 0.4 * wave(17)(k));
const brusselatorRef: Analytic = {
  x: xr,
  value: Float64Array.from({ length: 2 * cells }, (_, k) => {
    const c = k % cells;
    const lap = (off: number) => torus(c).reduce((s, q) => s + xr[off + q]!, -4 * xr[off + c]!);
    const [u, v] = [xr[c]!, xr[cells + c]!];
    return k < cells
      ? br.A + u * u * v - (br.B + 1) * u + br.alpha * lap(0)
      : br.B * u - u * u * v + br.alpha * lap(cells);
  }),
  jacobian: matrix(2 * cells, 2 * cells, (i, j) => {
    const [ci, cj] = [i % cells, j % cells];
    const [u, v] = [xr[ci]!, xr[cells + ci]!];
    const d = i < cells === j < cells ? br.alpha * diffusion(torus, ci, cj) : 0;
    if (ci !== cj) return d;
    if (i < cells) return d + (j < cells ? 2 * u * v - (br.B + 1) : u * u);
    return d + (j < cells ? br.B - 2 * u * v : -u * u);
  }),
};
const brusselatorPattern = patternOf(2 * cells, 2 * cells, (i, j) => {
  const [ci, cj] = [i % cells, j % cells];
  return ci === cj || (i < cells === j < cells && torus(ci).includes(cj));
});

// ---- sparse Hessians ----

// Chained Rosenbrock: Σ (1 − x_i)² + 100 (x_{i+1} − x_i²)², tridiagonal.
const nr = 8;
const xh = Float64Array.from({ length: nr }, (_, i) => 0.7 + 0.3 * wave(19)(i));
const rosenbrock = (x: m.Value) => {
  const a = m.slice(x, 0, nr - 1);
  const b = m.slice(x, 1, nr);
  return m.sum(m.add(m.square(m.sub(1, a)), m.mul(100, m.square(m.sub(b, m.square(a))))));
};
const rosenbrockRef: Analytic = (() => {
  let value = 0;
  const g = new Float64Array(nr);
  const H = matrix(nr, nr, () => 0);
  for (let i = 0; i < nr - 1; i++) {
    const [a, b] = [xh[i]!, xh[i + 1]!];
    value += (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    g[i]! += -2 * (1 - a) - 400 * a * (b - a * a);
    g[i + 1]! += 200 * (b - a * a);
    H.data[i * nr + i]! += 2 - 400 * (b - 3 * a * a);
    H.data[i * nr + i + 1]! += -400 * a;
    H.data[(i + 1) * nr + i]! += -400 * a;
    H.data[(i + 1) * nr + i + 1]! += 200;
  }
  return { x: xh, value, jacobian: matrix(1, nr, (_, j) => g[j]!), hessian: H };
})();

// Arrowhead Hessian: x₀ Σ_{i≥1} x_i² + x₀³ (two star colors, where a column coloring needs n).
const nw = 6;
const xw = Float64Array.from({ length: nw }, (_, i) => 1 + 0.4 * wave(23)(i));
const arrowEnergy = (x: m.Value) => {
  const x0 = m.get(x, 0);
  return m.add(m.mul(x0, m.sum(m.square(m.slice(x, 1, nw)))), m.mul(m.square(x0), x0));
};
const tailSquares = xw.slice(1).reduce((s, v) => s + v * v, 0);
const arrowEnergyRef: Analytic = {
  x: xw,
  value: xw[0]! * tailSquares + xw[0]! ** 3,
  jacobian: matrix(1, nw, (_, j) => (j === 0 ? tailSquares + 3 * xw[0]! ** 2 : 2 * xw[0]! * xw[j]!)),
  hessian: matrix(nw, nw, (i, j) =>
    i === 0 && j === 0 ? 6 * xw[0]! : i === 0 ? 2 * xw[j]! : j === 0 ? 2 * xw[i]! : i === j ? 2 * xw[0]! : 0,
  ),
};

const tags = ['sparse'];
const bufferTags = ['sparse', 'closure-cache', 'buffer'];

/** The sparse family: Jacobians and Hessians with a known sparsity pattern, in each reference. */
export const sparseFamilyScenarios: Scenario[] = [
  ...sparseScenarios(
    { name: 'banded', tags, f: banded },
    bandedRef,
    'jacobian',
    patternOf(nb, nb, (i, j) => Math.abs(i - j) <= 1),
  ),
  ...sparseScenarios(
    { name: 'block-diagonal', tags, f: blockDiagonal },
    blockRef,
    'jacobian',
    patternOf(2 * blocks, 2 * blocks, (i, j) => Math.floor(i / 2) === Math.floor(j / 2)),
  ),
  ...sparseScenarios(
    { name: 'arrowhead', tags, f: arrowhead },
    arrowheadRef,
    'jacobian',
    patternOf(na, na, (i, j) => i === 0 || j === 0 || i === j),
  ),
  ...sparseScenarios(
    { name: 'stencil-2d', tags: bufferTags, f: stencil },
    stencilRef,
    'jacobian',
    patternOf(side * side, side * side, (p, q) => p === q || gridNeighbours(p, q)),
  ),
  ...sparseScenarios(
    { name: 'gierer-meinhardt', tags: bufferTags, f: gierer },
    giererRef,
    'jacobian',
    giererPattern,
  ),
  ...sparseScenarios(
    { name: 'gierer-meinhardt-in-place', tags: [...bufferTags, 'in-place'], f: gmInto, inPlace: 2 * ring },
    giererRef,
    'jacobian',
    giererPattern,
  ),
  ...sparseScenarios(
    { name: 'brusselator', tags: bufferTags, f: brusselator },
    brusselatorRef,
    'jacobian',
    brusselatorPattern,
  ),
  ...sparseScenarios(
    {
      name: 'brusselator-in-place',
      tags: [...bufferTags, 'in-place'],
      f: brusselatorInto,
      inPlace: 2 * cells,
    },
    brusselatorRef,
    'jacobian',
    brusselatorPattern,
  ),
  ...sparseScenarios(
    { name: 'rosenbrock-chain', tags: [...tags, 'second-order'], f: rosenbrock },
    rosenbrockRef,
    'hessian',
    patternOf(nr, nr, (i, j) => Math.abs(i - j) <= 1),
  ),
  ...sparseScenarios(
    { name: 'arrowhead-energy', tags: [...tags, 'second-order'], f: arrowEnergy },
    arrowEnergyRef,
    'hessian',
    patternOf(nw, nw, (i, j) => i === 0 || j === 0 || i === j),
  ),
];
