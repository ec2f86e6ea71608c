/**
 * Differences on plain values, in the preallocated work arrays: besides its result, a call
 * allocates nothing of its own; f is evaluated at the work arrays, perturbed and restored in place.
 */
import { StructureMismatchError } from '@diffint/core';
import {
  type LeafFn,
  NestingError,
  type Plain,
  Tracer,
  type Value,
  fromData,
  shapeOf,
  sizeOf,
} from '@diffint/core/engine';
import { totalSize } from './leaves.js';
import type { Stencil } from './stencil.js';
import { coordinateStep, directionalStep, elementsOf, isZeroTangent } from './steps.js';
import { type Work, freshPoint } from './work.js';

/** target[offset + stride·i] += weight · yᵢ for each element yᵢ of f's output (`size` of them). */
function accumulate(
  target: Float64Array,
  offset: number,
  stride: number,
  ys: readonly Value[],
  weight: number,
  size: number,
): void {
  let i = 0;
  for (let l = 0; l < ys.length; l++) {
    const y = ys[l]!;
    if (typeof y === 'number') {
      if (i < size) target[offset + stride * i] = target[offset + stride * i]! + weight * y;
      i++;
      continue;
    }
    if (y instanceof Tracer) {
      throw new NestingError(
        y.trace.engine,
        'finiteDiff',
        'f returned a traced value at a perturbed point but a plain one at x.',
      );
    }
    const d = elementsOf(y);
    for (let e = 0; e < d.length; e++, i++) {
      const k = offset + stride * i;
      if (i < size) target[k] = target[k]! + weight * d[e]!;
    }
  }
  if (i !== size) {
    throw new StructureMismatchError(
      `f returned ${i} elements at a perturbed point and ${size} at x; its output shape must not depend on x.`,
    );
  }
}

/** The Jacobian [m, n], column by column: each coordinate is perturbed in place and restored. */
export function plainJacobian(
  f: LeafFn,
  xs: readonly Plain[],
  y: readonly Plain[],
  st: Stencil,
  base: number,
  work: Work,
): Plain {
  const m = totalSize(y);
  const n = totalSize(xs);
  const jac = new Float64Array(m * n);
  let k = 0;
  for (let l = 0; l < xs.length; l++) {
    const x = xs[l]!;
    const xd = typeof x === 'number' ? null : elementsOf(x);
    const arr = work.arrays[l]!;
    const count = xd === null ? 1 : xd.length;
    for (let i = 0; i < count; i++, k++) {
      const xi = xd === null ? (x as number) : xd[i]!;
      const h = coordinateStep(base, xi);
      for (let j = 0; j < st.offsets.length; j++) {
        const p = xi + st.offsets[j]! * h;
        if (arr === null) work.point[l] = p;
        else arr[i] = p;
        accumulate(jac, k, n, f(freshPoint(work)), st.weights[j]! / h, m);
      }
      if (arr === null) work.point[l] = xi;
      else arr[i] = xi;
      if (st.center !== 0) accumulate(jac, k, n, y, st.center / h, m);
    }
  }
  return fromData(jac, [m, n]);
}

/** J·t for each tangent, by differences along t. */
export function plainPushforward(
  f: LeafFn,
  xs: readonly Plain[],
  y: readonly Plain[],
  tangents: readonly (readonly Plain[])[],
  st: Stencil,
  base: number,
  work: Work,
): Value[][] {
  const m = totalSize(y);
  return tangents.map((t) => {
    const r = new Float64Array(m);
    if (!isZeroTangent(t)) {
      const h = directionalStep(base, xs, t);
      for (let j = 0; j < st.offsets.length; j++) {
        moveAlong(work, xs, t, st.offsets[j]! * h);
        accumulate(r, 0, 1, f(freshPoint(work)), st.weights[j]! / h, m);
      }
      if (st.center !== 0) accumulate(r, 0, 1, y, st.center / h, m);
    }
    return splitLike(r, y);
  });
}

/** Sets the work point to x + s·t. */
function moveAlong(work: Work, xs: readonly Plain[], t: readonly Plain[], s: number): void {
  for (let l = 0; l < xs.length; l++) {
    const x = xs[l]!;
    const tl = t[l]!;
    if (typeof x === 'number') {
      work.point[l] = x + s * (typeof tl === 'number' ? tl : elementsOf(tl)[0]!);
      continue;
    }
    const arr = work.arrays[l]!;
    const xd = elementsOf(x);
    const td = elementsOf(tl as Exclude<Plain, number>);
    for (let i = 0; i < xd.length; i++) arr[i] = xd[i]! + s * td[i]!;
  }
}

/** Leaves shaped like `like`, viewing consecutive parts of `data`. */
function splitLike(data: Float64Array, like: readonly Value[]): Value[] {
  let off = 0;
  return like.map((l) => {
    const s = shapeOf(l);
    const n = sizeOf(s);
    const leaf = fromData(data.subarray(off, off + n), s);
    off += n;
    return leaf;
  });
}
