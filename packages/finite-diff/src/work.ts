/**
 * The perturbed points: copies of x's leaves that f is evaluated at, allocated once per
 * preparation (kept under the preparation's key) and overwritten in place on every call.
 */
import { type Plain, type PrepKey, fromData, sameShape, shapeOf } from '@diffint/core/engine';
import { elementsOf } from './steps.js';

export interface Work {
  /** The leaves f receives at a perturbed point. */
  readonly point: Plain[];
  /** The elements of each array leaf of `point` (null for a number leaf, which lives in `point`). */
  readonly arrays: (Float64Array | null)[];
  /** In use by a call in progress (a re-entrant call with the same key gets a temporary one). */
  busy: boolean;
}

const works = new WeakMap<PrepKey, Work>();

function createWork(xs: readonly Plain[]): Work {
  const point: Plain[] = [];
  const arrays: (Float64Array | null)[] = [];
  for (const x of xs) {
    if (typeof x === 'number') {
      point.push(x);
      arrays.push(null);
    } else {
      const data = elementsOf(x).slice();
      point.push(fromData(data, shapeOf(x)));
      arrays.push(data);
    }
  }
  return { point, arrays, busy: false };
}

function fits(w: Work, xs: readonly Plain[]): boolean {
  if (w.point.length !== xs.length) return false;
  for (let l = 0; l < xs.length; l++) {
    const x = xs[l]!;
    const p = w.point[l]!;
    if (typeof x === 'number' ? typeof p !== 'number' : typeof p === 'number') return false;
    if (typeof x !== 'number' && !sameShape(shapeOf(x), shapeOf(p))) return false;
  }
  return true;
}

/** The work arrays of `key`, holding a copy of x. Give them back with `releaseWork`. */
export function acquireWork(key: PrepKey, xs: readonly Plain[]): Work {
  let w = works.get(key);
  if (w === undefined || w.busy || !fits(w, xs)) {
    const fresh = createWork(xs);
    if (w === undefined || !w.busy) works.set(key, fresh);
    w = fresh;
  } else {
    resetToX(w, xs);
  }
  w.busy = true;
  return w;
}

export function releaseWork(w: Work): void {
  w.busy = false;
}

/**
 * The work point as new objects, for one evaluation of f: f is a black box that may memoise by
 * reference (`if (x === last) return cached`, common in ODE right-hand sides), so every
 * evaluation gets input arrays of its own, never one it has seen before.
 */
export function freshPoint(w: Work): Plain[] {
  return w.point.map((p) => (typeof p === 'number' ? p : fromData(elementsOf(p).slice(), shapeOf(p))));
}

/** Copies x into the work arrays. */
export function resetToX(w: Work, xs: readonly Plain[]): void {
  for (let l = 0; l < xs.length; l++) {
    const x = xs[l]!;
    if (typeof x === 'number') w.point[l] = x;
    else w.arrays[l]!.set(elementsOf(x));
  }
}
