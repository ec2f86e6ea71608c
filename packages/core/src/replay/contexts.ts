/**
 * The contexts of a replayed call, walked the same way on every call: arrays of `constant()`
 * values become program inputs read from the call's own contexts, numbers and anything else
 * are compared with what the recording saw (a difference means f may do something else, so the
 * replay re-traces).
 */
import type { Context } from '../context.js';
import { Tracer } from '../trace.js';
import { NDArray, type Shape, sameShape } from '../values.js';

/** One step of the walk, in order. */
export type Entry =
  | { readonly kind: 'array'; readonly shape: Shape }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'list'; readonly length: number }
  | { readonly kind: 'record'; readonly keys: readonly string[] }
  | { readonly kind: 'same'; readonly value: unknown }
  | { readonly kind: 'cache' };

/** Deeper than this, a context value is compared by identity. */
const maxDepth = 8;

function isRecord(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * The walk of `contexts`, with each array's entry index; null when a context holds a traced
 * value (a call nested in another differentiation runs f instead).
 */
export function walkContexts(
  contexts: readonly Context[],
): { readonly entries: Entry[]; readonly arrays: Map<object, number> } | null {
  const entries: Entry[] = [];
  const arrays = new Map<object, number>();
  const walk = (v: unknown, depth: number): boolean => {
    if (v instanceof Tracer) return false;
    if (typeof v === 'number') entries.push({ kind: 'number', value: v });
    else if (v instanceof Float64Array || v instanceof NDArray) {
      if (!arrays.has(v)) arrays.set(v, entries.length);
      entries.push({ kind: 'array', shape: v instanceof NDArray ? v.shape : [v.length] });
    } else if (typeof v === 'object' && v !== null && depth < maxDepth && Array.isArray(v)) {
      entries.push({ kind: 'list', length: v.length });
      for (const c of v) if (!walk(c, depth + 1)) return false;
    } else if (typeof v === 'object' && v !== null && depth < maxDepth && isRecord(v)) {
      const keys = Object.keys(v);
      entries.push({ kind: 'record', keys });
      for (const k of keys) if (!walk((v as Record<string, unknown>)[k], depth + 1)) return false;
    } else entries.push({ kind: 'same', value: v });
    return true;
  };
  for (const c of contexts) {
    if (c.kind === 'cache') entries.push({ kind: 'cache' });
    else if (!walk(c.value, 0)) return null;
  }
  return { entries, arrays };
}

/** Walks contexts against a recorded walk, reused from call to call (no closure per call). */
class Matcher {
  i = 0;
  entries: readonly Entry[] = [];
  out: unknown[] = [];

  walk(v: unknown): boolean {
    const e = this.entries[this.i++];
    if (e === undefined) return false;
    switch (e.kind) {
      case 'number':
        return typeof v === 'number' && Object.is(v, e.value);
      case 'array':
        if (v instanceof Float64Array) {
          if (e.shape.length !== 1 || e.shape[0] !== v.length) return false;
        } else if (!(v instanceof NDArray) || !sameShape(v.shape, e.shape)) return false;
        this.out[this.i - 1] = v;
        return true;
      case 'list': {
        if (!Array.isArray(v) || v.length !== e.length) return false;
        for (let k = 0; k < v.length; k++) if (!this.walk(v[k])) return false;
        return true;
      }
      case 'record': {
        if (typeof v !== 'object' || v === null || Array.isArray(v) || !isRecord(v)) return false;
        const keys = e.keys;
        let n = 0;
        for (const k in v) if (keys[n++] !== k) return false;
        if (n !== keys.length) return false;
        for (let k = 0; k < keys.length; k++)
          if (!this.walk((v as Record<string, unknown>)[keys[k]!])) return false;
        return true;
      }
      case 'same':
        return Object.is(v, e.value);
      case 'cache':
        return false;
    }
  }
}

const matcher = new Matcher();

/**
 * Walks `contexts` against the recorded walk, putting each array at its entry index in `out`;
 * false at the first difference. Allocates nothing.
 */
export function matchContexts(
  contexts: readonly Context[],
  entries: readonly Entry[],
  out: unknown[],
): boolean {
  if (contexts.length === 0) return entries.length === 0;
  // The walk calls no user code, so one matcher serves every call.
  const m = matcher;
  m.i = 0;
  m.entries = entries;
  m.out = out;
  for (const c of contexts) {
    if (c.kind === 'cache') {
      if (entries[m.i++]?.kind !== 'cache') return false;
    } else if (!m.walk(c.value)) return false;
  }
  return m.i === entries.length;
}
