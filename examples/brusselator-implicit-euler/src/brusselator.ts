/**
 * The 2-D Brusselator on an N × N periodic grid of spacing 1/N, written as allocation-free
 * scientific code: the two Laplacians go through enclosed buffers.
 *
 *   du/dt = A + u²v − (B + 1)u + α Δu,   dv/dt = Bu − u²v + α Δv
 *
 * Summing both equations over the grid, the Laplacians cancel (periodic) and so does u²v:
 *   d/dt Σ(u + v) = N² A − Σu,
 * which implicit Euler keeps exactly: Σ(u + v)ₙ₊₁ − Σ(u + v)ₙ = h (N² A − Σuₙ₊₁).
 */
import { buffer } from '@diffint/core';
import * as m from '@diffint/core/math';

export const params = { A: 1, B: 3.4, alpha: 0.002 };

/** Rolls the rows of a [N, N] value by `shift` (periodic): row i of the result is row i − shift. */
function rollRows(U: m.Value, shift: number): m.Value {
  const n = m.shape(U)[0]!;
  const s = ((shift % n) + n) % n;
  return s === 0 ? U : m.concat([m.slice(U, n - s, n), m.slice(U, 0, n - s)]);
}

const rollCols = (U: m.Value, shift: number) => m.transpose(rollRows(m.transpose(U), shift));

/** The right-hand side f(x) for x = [u (N² values), v (N² values)], row-major. */
export function brusselator(N: number): (x: m.Value) => m.Value {
  const cells = N * N;
  const lapU = buffer([N, N]);
  const lapV = buffer([N, N]);
  const scale = params.alpha * N * N;
  const laplacian = (U: m.Value) =>
    m.sub(m.add(m.add(rollRows(U, 1), rollRows(U, -1)), m.add(rollCols(U, 1), rollCols(U, -1))), m.mul(4, U));
  return (x) => {
    const U = m.reshape(m.slice(x, 0, cells), [N, N]);
    const V = m.reshape(m.slice(x, cells, 2 * cells), [N, N]);
    lapU.assign(laplacian(U));
    lapV.assign(laplacian(V));
    const uuv = m.mul(m.square(U), V);
    const du = m.add(m.sub(m.add(params.A, uuv), m.mul(params.B + 1, U)), m.mul(scale, lapU.read()));
    const dv = m.add(m.sub(m.mul(params.B, U), uuv), m.mul(scale, lapV.read()));
    return m.concat([m.reshape(du, [cells]), m.reshape(dv, [cells])]);
  };
}

/** A smooth initial state: u near 1 + a bump, v near B/A. */
export function initialState(N: number): Float64Array {
  const cells = N * N;
  return Float64Array.from({ length: 2 * cells }, (_, k) => {
    const c = k % cells;
    const [x, y] = [(Math.floor(c / N) + 0.5) / N, ((c % N) + 0.5) / N];
    const bump = Math.exp(-40 * ((x - 0.3) ** 2 + (y - 0.6) ** 2));
    return k < cells ? 1 + 2 * bump : params.B / params.A + 0.5 * bump;
  });
}
