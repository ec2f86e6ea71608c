/**
 * Reverse mode as a program transformation: the backward program of a recorded program is
 * written by running each equation's VJP rule, last equation first, on staged values. The rules
 * are the primitives' own (portable math), so the backward program computes exactly what the
 * eager tape computes, and running it under an outer trace differentiates it again.
 */
import * as m from '../math/ops.js';
import type { Primitive, PrimitiveName } from '../primitive.js';
import { Adjoints } from './adjoints.js';
import type { Program } from './program.js';
import { Residuals, type Source } from './residuals.js';
import { liveVariables, withoutDeadCode } from './schedule.js';
import { StagingTrace } from './stage.js';

/** Where each input of a backward program comes from at run time (a seed or a primal value). */
export type BackwardSource = Source;

/** A staged transformation: its program, where each input comes from, and the residuals it reads. */
export interface Staged {
  /** Inputs: `sources[i]` feeds `program.inputs[i]`. */
  readonly program: Program;
  readonly sources: readonly Source[];
  /** The primal variables the forward run must keep (produced by equations, not inputs). */
  readonly residuals: readonly number[];
}

/** A backward program: its outputs are one adjoint per active input. */
export type Backward = Staged;

/** Drops inputs the outputs do not need (a rule's unused primal), so the forward run keeps less. */
export function finishStaged(st: StagingTrace, outputs: readonly number[], r: Residuals): Staged {
  const full = withoutDeadCode(st.program.finish(outputs));
  const live = liveVariables(full);
  const keep = full.inputs.map((v) => live[v] === 1);
  const program: Program = { ...full, inputs: full.inputs.filter((_, i) => keep[i]) };
  const used = r.sources.filter((_, i) => keep[i]);
  const residuals = used.flatMap((s) => (s.kind === 'primal' && r.producer[s.v]! >= 0 ? [s.v] : []));
  return { program, sources: used, residuals };
}

/** Which variables depend on the inputs marked active. */
export function activity(p: Program, active: readonly boolean[]): Uint8Array {
  const isActive = new Uint8Array(p.shapes.length);
  p.inputs.forEach((v, i) => {
    if (active[i]) isActive[v] = 1;
  });
  for (const e of p.eqns) for (const a of e.args) if (isActive[a]) isActive[e.out] = 1;
  return isActive;
}

/**
 * The backward program of `p` for cotangents of `p.outputs` (seed i: the cotangent of output
 * i), giving the adjoint of each input `i` with `active[i]`. `remat` recomputes cheap primal
 * values instead of reading residuals.
 */
export function backwardProgram(p: Program, active: readonly boolean[], remat: boolean): Backward {
  const st = new StagingTrace();
  const r = new Residuals(p, st, remat, []);
  const isActive = activity(p, active);
  try {
    const ct = new Adjoints(p.shapes.length);
    p.outputs.forEach((y, index) => {
      if (isActive[y]) ct.add(y, r.seed(y, index));
    });
    for (let j = p.eqns.length - 1; j >= 0; j--) {
      const e = p.eqns[j]!;
      if (!ct.has(e.out)) continue;
      const needs = e.args.map((a) => isActive[a] === 1);
      if (!needs.includes(true)) continue;
      const prim = e.prim as Primitive<PrimitiveName>;
      ct.pass(
        prim,
        e.out,
        e.args,
        p.shapes,
        e.params,
        needs,
        () => e.args.map(r.of),
        () => r.of(e.out),
      );
    }
    const outputs: number[] = [];
    p.inputs.forEach((v, i) => {
      if (active[i]) outputs.push(st.outputVar(ct.get(v, p.shapes[v]!) ?? m.zeros(p.shapes[v]!)));
    });
    return finishStaged(st, outputs, r);
  } finally {
    st.finish();
  }
}
