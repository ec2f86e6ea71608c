/**
 * Programs matched by structure: a recorded program is looked up among compiled ones by a hash,
 * then confirmed equal equation by equation. Nothing here allocates, so matching costs a walk of
 * the equations, not a string per call.
 */
import type { Program } from './program.js';

const primIds = new Map<string, number>();

function primId(name: string): number {
  let id = primIds.get(name);
  if (id === undefined) {
    id = primIds.size + 1;
    primIds.set(name, id);
  }
  return id;
}

function mix(h: number, x: number): number {
  return Math.imul(h ^ x, 0x9e3779b1) >>> 0;
}

function mixNumber(h: number, x: number): number {
  return Number.isInteger(x) && Math.abs(x) < 2 ** 31 ? mix(h, x | 0) : mix(h, Math.round(x * 4096) | 0);
}

function mixParams(h: number, p: unknown): number {
  if (p === null || p === undefined) return mix(h, 7);
  if (typeof p === 'number') return mixNumber(h, p);
  if (Array.isArray(p)) {
    h = mix(h, p.length + 11);
    for (const x of p) h = mixParams(h, x);
    return h;
  }
  if (typeof p === 'object') {
    for (const k in p) h = mixParams(mix(h, k.length), (p as Record<string, unknown>)[k]);
    return h;
  }
  return mix(h, 13);
}

/** A hash of a program's structure and of integers the caller adds to it (input kinds, say). */
export function hashProgram(p: Program, kinds: ArrayLike<number>): number {
  let h = mix(p.eqns.length, p.inputs.length);
  for (let i = 0; i < kinds.length; i++) h = mix(h, kinds[i]! | 0);
  for (let i = 0; i < p.inputs.length; i++) {
    const s = p.shapes[p.inputs[i]!]!;
    h = mix(h, s.length);
    for (let k = 0; k < s.length; k++) h = mix(h, s[k]!);
  }
  for (const e of p.eqns) {
    h = mix(h, primId(e.prim.name));
    for (let k = 0; k < e.args.length; k++) h = mix(h, e.args[k]!);
    h = mixParams(h, e.params);
  }
  for (const v of p.outputs) h = mix(h, v);
  return h;
}

/** True when two equations' parameters are equal (numbers by `Object.is`, arrays and records entry by entry). */
export function sameParams(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return typeof a === 'number' && typeof b === 'number' && Object.is(a, b);
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameParams(a[i], b[i])) return false;
    return true;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  let n = 0;
  for (const k in ra) {
    if (!sameParams(ra[k], rb[k])) return false;
    n++;
  }
  for (const _ in rb) n--;
  return n === 0;
}

function sameShapeOf(p: Program, q: Program, v: number): boolean {
  const a = p.shapes[v]!;
  const b = q.shapes[v]!;
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/** True when two programs (with their extra integers) have the same structure. */
export function sameProgram(p: Program, pk: ArrayLike<number>, q: Program, qk: ArrayLike<number>): boolean {
  // A guided recording that followed its guide to the end returns the guide itself.
  if (p === q) return sameInts(pk, qk);
  if (p.eqns.length !== q.eqns.length || p.inputs.length !== q.inputs.length) return false;
  if (p.outputs.length !== q.outputs.length || p.shapes.length !== q.shapes.length) return false;
  if (!sameInts(pk, qk)) return false;
  for (let i = 0; i < p.inputs.length; i++) {
    if (p.inputs[i] !== q.inputs[i] || !sameShapeOf(p, q, p.inputs[i]!)) return false;
  }
  for (let j = 0; j < p.eqns.length; j++) {
    const e = p.eqns[j]!;
    const f = q.eqns[j]!;
    if (e.prim !== f.prim || e.out !== f.out || e.args.length !== f.args.length) return false;
    for (let k = 0; k < e.args.length; k++) if (e.args[k] !== f.args[k]) return false;
    if (!sameParams(e.params, f.params)) return false;
  }
  for (let i = 0; i < p.outputs.length; i++) if (p.outputs[i] !== q.outputs[i]) return false;
  return true;
}

function sameInts(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
