/**
 * Reverse mode as a program transformation: the backward program of a recorded program is
 * written by running each equation's VJP rule, last equation first, on staged values. The rules
 * are the primitives' own (portable math), so the backward program computes exactly what the
 * eager tape computes, and running it under an outer trace differentiates it again.
 *
 * A primal value a rule needs is either recomputed inside the backward program (when the
 * equation that made it is cheap and elementwise, so the compiler fuses it into the backward
 * loops instead of storing and re-reading an array) or read from the forward run (a residual).
 */
import * as m from '../math/ops.js';
import type { Primitive, PrimitiveName } from '../primitive.js';
import { type Value, bind } from '../trace.js';
import type { Plain } from '../values.js';
import type { Program } from './program.js';
import { StagingTrace } from './stage.js';
import { isCheap } from './lowering.js';
import { liveVariables, withoutDeadCode } from './schedule.js';

/** Where each input of a backward program comes from at run time. */
export type BackwardSource =
  /** The cotangent of output `index` of the primal program. */
  | { readonly kind: 'seed'; readonly index: number }
  /** The value of a variable of the primal program (an input, or a residual of the forward run). */
  | { readonly kind: 'primal'; readonly v: number };

/** The reverse pass of a program: a program of its own, fed by the forward run's residuals. */
export interface Backward {
  /** Inputs: `sources[i]` feeds `program.inputs[i]`; outputs: one adjoint per active input. */
  readonly program: Program;
  readonly sources: readonly BackwardSource[];
  /** The primal variables the forward run must keep (produced by equations, not inputs). */
  readonly residuals: readonly number[];
}

/**
 * The backward program of `p` for cotangents of `p.outputs`, giving the adjoint of each input
 * `i` with `active[i]`. `remat` recomputes cheap primal values instead of reading residuals.
 */
export function backwardProgram(p: Program, active: readonly boolean[], remat: boolean): Backward {
  const st = new StagingTrace();
  const sources: BackwardSource[] = [];
  const nv = p.shapes.length;
  const isActive = new Uint8Array(nv);
  const producer = new Int32Array(nv).fill(-1);
  p.eqns.forEach((e, j) => {
    producer[e.out] = j;
  });
  p.inputs.forEach((v, i) => {
    if (active[i]) isActive[v] = 1;
  });
  for (const e of p.eqns) {
    for (const a of e.args) if (isActive[a]) isActive[e.out] = 1;
  }
  const staged = new Array<Value | undefined>(nv);
  const residual = (v: number): Value => {
    const have = staged[v];
    if (have !== undefined) return have;
    const lit = p.literals.get(v);
    let out: Value;
    if (lit !== undefined) out = lit as Plain;
    else {
      const j = producer[v]!;
      const e = j >= 0 ? p.eqns[j]! : null;
      if (e !== null && remat && isCheap(e.prim.name)) {
        out = bind(e.prim as Primitive<PrimitiveName>, e.args.map(residual), e.params as never);
      } else {
        out = st.input(p.shapes[v]!);
        sources.push({ kind: 'primal', v });
      }
    }
    staged[v] = out;
    return out;
  };
  try {
    const ct = new Array<Value | undefined>(nv);
    p.outputs.forEach((y, index) => {
      if (!isActive[y]) return;
      const seed = st.input(p.shapes[y]!);
      sources.push({ kind: 'seed', index });
      const prev = ct[y];
      ct[y] = prev === undefined ? seed : m.add(prev, seed);
    });
    for (let j = p.eqns.length - 1; j >= 0; j--) {
      const e = p.eqns[j]!;
      const g = ct[e.out];
      if (g === undefined) continue;
      const needs = e.args.map((a) => isActive[a] === 1);
      if (!needs.includes(true)) continue;
      const prim = e.prim as Primitive<PrimitiveName>;
      const gs = prim.vjp(g, e.args.map(residual), residual(e.out), e.params as never, needs);
      for (let i = 0; i < e.args.length; i++) {
        const gi = gs[i];
        if (gi == null || !needs[i]) continue;
        const a = e.args[i]!;
        const prev = ct[a];
        ct[a] = prev === undefined ? gi : m.add(prev, gi);
      }
    }
    const outputs: number[] = [];
    p.inputs.forEach((v, i) => {
      if (!active[i]) return;
      outputs.push(st.outputVar(ct[v] ?? m.zeros(p.shapes[v]!)));
    });
    // Inputs no output needs (a rule's unused `out`) are dropped, so the forward run keeps less.
    const full = withoutDeadCode(st.program.finish(outputs));
    const live = liveVariables(full);
    const keep = full.inputs.map((v) => live[v] === 1);
    const program: Program = { ...full, inputs: full.inputs.filter((_, i) => keep[i]) };
    const used = sources.filter((_, i) => keep[i]);
    const residuals = used.flatMap((s) => (s.kind === 'primal' && producer[s.v]! >= 0 ? [s.v] : []));
    return { program, sources: used, residuals };
  } finally {
    st.finish();
  }
}
