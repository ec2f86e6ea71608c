/**
 * Forward mode as a program transformation, with a batch axis of tangents: the tangent program
 * of a recorded program is written by running each equation's JVP rule once per tangent of the
 * batch, on staged values. A tangent that is zero (an input not seeded in that direction, or an
 * equation none of whose arguments has a tangent) stays a symbolic zero and costs nothing.
 */
import type { Primitive, PrimitiveName, Tangent } from '../primitive.js';
import type { Program } from './program.js';
import { Residuals } from './residuals.js';
import { StagingTrace } from './stage.js';
import { type Staged, finishStaged } from './vjp.js';

/** A tangent program: its outputs are the non-zero tangents, listed in `present`. */
export interface Tangents extends Staged {
  /** Per output of the primal program, per tangent of the batch: whether it is an output (else zero). */
  readonly present: readonly (readonly boolean[])[];
}

/**
 * The tangent program of `p` for `batch` tangents: `seeded[i][k]` says whether input i has a
 * (non-zero) tangent in direction k, fed by seed `i · batch + k`.
 */
export function tangentProgram(
  p: Program,
  seeded: readonly (readonly boolean[])[],
  batch: number,
  remat: boolean,
): Tangents {
  const st = new StagingTrace();
  const r = new Residuals(p, st, remat, []);
  try {
    const tan = new Array<Tangent[] | undefined>(p.shapes.length);
    p.inputs.forEach((v, i) => {
      const s = seeded[i];
      if (s === undefined || !s.includes(true)) return;
      tan[v] = s.map((on, k) => (on ? r.seed(v, i * batch + k) : null));
    });
    for (const e of p.eqns) {
      let any = false;
      for (const a of e.args) if (tan[a] !== undefined) any = true;
      if (!any) continue;
      const prim = e.prim as Primitive<PrimitiveName>;
      const out: Tangent[] = new Array<Tangent>(batch).fill(null);
      let nonZero = false;
      for (let k = 0; k < batch; k++) {
        const ts = e.args.map((a) => tan[a]?.[k] ?? null);
        if (ts.every((t) => t === null)) continue;
        const t = prim.jvp(ts, e.args.map(r.of), r.of(e.out), e.params as never);
        out[k] = t;
        if (t !== null) nonZero = true;
      }
      if (nonZero) tan[e.out] = out;
    }
    const outputs: number[] = [];
    const present = p.outputs.map((y) =>
      Array.from({ length: batch }, (_, k) => {
        const t = tan[y]?.[k] ?? null;
        if (t === null) return false;
        outputs.push(st.outputVar(t));
        return true;
      }),
    );
    return { ...finishStaged(st, outputs, r), present };
  } finally {
    st.finish();
  }
}
