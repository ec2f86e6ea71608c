/**
 * Fusion: a program's equations grouped into steps. A loop step runs elementwise equations of
 * one iteration size in a single loop (reading arguments whole, as a scalar, at an offset, padded
 * or repeated), with running sums as sinks; a kernel step runs one equation's float64 kernel.
 * A value is stored in an array only when something outside its loop reads it.
 */
import { sameShape, sizeOf } from '../values.js';
import { type Accumulations, accumulations } from './accumulate.js';
import { elementwise } from './lowering.js';
import type { Eqn, Program } from './program.js';

/** How a loop reads an argument at iteration i. */
export type Access =
  | { readonly kind: 'full' }
  | { readonly kind: 'scalar' }
  | { readonly kind: 'offset'; readonly offset: number }
  | { readonly kind: 'pad'; readonly lo: number; readonly hi: number }
  | { readonly kind: 'mod'; readonly period: number };

/** Equations fused into one generated loop over `size` elements. */
export interface LoopStep {
  readonly kind: 'loop';
  readonly size: number;
  /** Indices of equations, in order of execution. */
  readonly eqns: number[];
}

/** One equation run by its primitive's kernel. */
export interface KernelStep {
  readonly kind: 'kernel';
  readonly eqn: number;
}

/** One step of a schedule. */
export type Step = LoopStep | KernelStep;

/** How a program runs: its equations grouped into fused loops and single kernel calls, in order. */
export interface Schedule {
  readonly steps: readonly Step[];
  /** Per equation in a loop: how it reads each argument. */
  readonly access: readonly (readonly Access[] | null)[];
  /** Per variable: stored (an array, or a number for a scalar) rather than loop-local. */
  readonly stored: Uint8Array;
  /** Sums of pads accumulated in place by the loops of their terms (their equations left out of the steps). */
  readonly accumulated: Accumulations;
}

const FULL: Access = { kind: 'full' };
const SCALAR: Access = { kind: 'scalar' };

/** How an elementwise equation of output shape `out` reads an argument of shape `s`, or null. */
function broadcastAccess(s: readonly number[], out: readonly number[]): Access | null {
  const n = sizeOf(s);
  if (n === 1) return SCALAR;
  if (sameShape(s, out)) return FULL;
  let k = 0;
  while (k < s.length && s[k] === 1) k++;
  const tail = s.slice(k);
  if (tail.length < out.length && sameShape(tail, out.slice(out.length - tail.length))) {
    return { kind: 'mod', period: n };
  }
  return null;
}

/** The iteration size and argument accesses of an equation a loop can run, or null. */
function classify(p: Program, e: Eqn): { size: number; access: Access[] } | null {
  const out = p.shapes[e.out]!;
  const size = sizeOf(out);
  const name = e.prim.name;
  if (elementwise[name] !== undefined) {
    const access: Access[] = [];
    for (const a of e.args) {
      // In a loop of one iteration every argument is read whole, so scalar chains fuse.
      const acc = size === 1 ? FULL : broadcastAccess(p.shapes[a]!, out);
      if (acc === null) return null;
      access.push(acc);
    }
    return { size, access };
  }
  const arg = e.args[0]!;
  const s = p.shapes[arg]!;
  switch (name) {
    case 'reshape':
      return { size, access: [FULL] };
    case 'slice': {
      const { start } = e.params as { start: number };
      return { size, access: [{ kind: 'offset', offset: start * sizeOf(s.slice(1)) }] };
    }
    case 'pad': {
      const { before } = e.params as { before: number };
      const lo = before * sizeOf(s.slice(1));
      return { size, access: [{ kind: 'pad', lo, hi: lo + sizeOf(s) }] };
    }
    case 'broadcastTo': {
      const acc = size === 1 ? FULL : broadcastAccess(s, out);
      return acc === null ? null : { size, access: [acc] };
    }
    case 'sum':
      if ((e.params as { axis: number | null }).axis !== null) return null;
      return { size: sizeOf(s), access: [FULL] };
    default:
      return null;
  }
}

/** Groups a program's equations into fused elementwise loops and kernel steps. */
export function schedule(p: Program): Schedule {
  const nv = p.shapes.length;
  const stepOf = new Int32Array(nv).fill(-1);
  /** Made by a running sum: available only after its loop. */
  const isSum = new Uint8Array(nv);
  const steps: Step[] = [];
  const access: (Access[] | null)[] = [];
  const lastLoop = new Map<number, number>();
  for (let j = 0; j < p.eqns.length; j++) {
    const e = p.eqns[j]!;
    const c = classify(p, e);
    access.push(c?.access ?? null);
    if (c === null) {
      steps.push({ kind: 'kernel', eqn: j });
      stepOf[e.out] = steps.length - 1;
      continue;
    }
    let lower = 0;
    for (let k = 0; k < e.args.length; k++) {
      const a = e.args[k]!;
      const s = stepOf[a]!;
      if (s < 0) continue;
      const st = steps[s]!;
      const sameLoop = st.kind === 'loop' && st.size === c.size && c.access[k]!.kind === 'full' && !isSum[a];
      lower = Math.max(lower, sameLoop ? s : s + 1);
    }
    const candidate = lastLoop.get(c.size);
    let target: number;
    if (candidate !== undefined && candidate >= lower) target = candidate;
    else {
      steps.push({ kind: 'loop', size: c.size, eqns: [] });
      target = steps.length - 1;
      lastLoop.set(c.size, target);
    }
    (steps[target] as LoopStep).eqns.push(j);
    stepOf[e.out] = target;
    if (e.prim.name === 'sum') isSum[e.out] = 1;
  }
  const accumulated = accumulations(p, steps, stepOf, isSum);
  const { replaced } = accumulated;
  steps.forEach((st, s) => {
    if (st.kind === 'loop') steps[s] = { ...st, eqns: st.eqns.filter((j) => !replaced[j]) };
  });
  const stored = new Uint8Array(nv);
  for (const v of p.outputs) stored[v] = 1;
  for (const a of accumulated.list) {
    stored[a.out] = 1;
    // Complete after its last term's loop: read as an array from then on.
    stepOf[a.out] = -1;
  }
  for (let j = 0; j < p.eqns.length; j++) {
    const e = p.eqns[j]!;
    if (replaced[j]) continue;
    const acc = access[j] ?? null;
    const here = stepOf[e.out]!;
    for (let k = 0; k < e.args.length; k++) {
      const a = e.args[k]!;
      if (stepOf[a]! < 0) continue;
      if (acc === null || stepOf[a] !== here || acc[k]!.kind !== 'full' || isSum[a]) stored[a] = 1;
    }
  }
  for (const st of steps) if (st.kind === 'kernel') stored[p.eqns[st.eqn]!.out] = 1;
  for (let v = 0; v < nv; v++) if (isSum[v]) stored[v] = 1;
  return { steps, access, stored, accumulated };
}

/** The variables that the outputs depend on (dead equations are dropped before compiling). */
export function liveVariables(p: Program): Uint8Array {
  const live = new Uint8Array(p.shapes.length);
  for (const v of p.outputs) live[v] = 1;
  for (let j = p.eqns.length - 1; j >= 0; j--) {
    const e = p.eqns[j]!;
    if (!live[e.out]) continue;
    for (const a of e.args) live[a] = 1;
  }
  return live;
}

/** `p` without the equations no output depends on. */
export function withoutDeadCode(p: Program): Program {
  const live = liveVariables(p);
  const eqns = p.eqns.filter((e) => live[e.out]);
  return eqns.length === p.eqns.length ? p : { ...p, eqns };
}
