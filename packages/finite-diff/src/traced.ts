/**
 * Differences in portable math, for when x, a tangent or f's output is traced by an outer
 * differentiation (finiteDiff as the inner engine of secondOrder): the outer engine then
 * differentiates the difference quotient itself. Steps are computed from primal values.
 */
import type { Shape } from '@diffint/core';
import { type LeafFn, type Value, fromData, primalValue, shapeOf, sizeOf } from '@diffint/core/engine';
import * as m from '@diffint/core/math';
import { totalSize } from './leaves.js';
import type { Stencil } from './stencil.js';
import { directionalStep, isZeroTangent } from './steps.js';

/** J·t by differences along t. */
export function tracedPushforward(
  f: LeafFn,
  xs: readonly Value[],
  y: readonly Value[],
  t: readonly Value[],
  st: Stencil,
  base: number,
): Value[] {
  const tPrimal = t.map(primalValue);
  // A traced zero direction still has a derivative with respect to the direction.
  if (isZeroTangent(tPrimal) && tPrimal.every((p, l) => p === t[l])) return y.map((l) => m.zerosLike(l));
  const h = directionalStep(base, xs.map(primalValue), tPrimal);
  let acc: Value[] | null = st.center === 0 ? null : y.map((l) => m.mul(st.center / h, l));
  for (let j = 0; j < st.offsets.length; j++) {
    const s = st.offsets[j]! * h;
    const ys = f(xs.map((x, l) => m.add(x, m.mul(s, t[l]!))));
    const w = st.weights[j]! / h;
    const prev = acc;
    acc = ys.map((v, l) => (prev === null ? m.mul(w, v) : m.add(prev[l]!, m.mul(w, v))));
  }
  return acc!;
}

/** The Jacobian [m, n], one unit direction at a time. */
export function tracedJacobian(
  f: LeafFn,
  xs: readonly Value[],
  y: readonly Value[],
  st: Stencil,
  base: number,
): Value {
  const shapes = xs.map(shapeOf);
  const n = totalSize(xs);
  if (n === 0) return m.zeros([totalSize(y), 0]);
  const columns: Value[] = [];
  for (let k = 0; k < n; k++) {
    columns.push(flatVector(tracedPushforward(f, xs, y, unitVector(shapes, k), st, base)));
  }
  return m.transpose(m.stack(columns));
}

/** The k-th unit vector of a space of leaves of these shapes. */
function unitVector(shapes: readonly Shape[], k: number): Value[] {
  let off = 0;
  return shapes.map((s) => {
    const n = sizeOf(s);
    const data = new Float64Array(n);
    if (k >= off && k < off + n) data[k - off] = 1;
    off += n;
    return fromData(data, s);
  });
}

function flatVector(leaves: readonly Value[]): Value {
  const parts = leaves.map((l) => m.reshape(l, [m.size(l)]));
  return parts.length === 1 ? parts[0]! : parts.length === 0 ? new Float64Array(0) : m.concat(parts);
}
