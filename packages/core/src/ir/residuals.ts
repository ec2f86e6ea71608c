/**
 * Primal values for a transformation being staged: a rule that needs the primal of a variable
 * gets it either recomputed inside the new program (when the equation that made it is cheap and
 * elementwise, so the compiler fuses it into the new program's loops instead of storing and
 * re-reading an array) or as an input read from the forward run (a residual).
 */
import type { Primitive, PrimitiveName } from '../primitive.js';
import { type Value, bind } from '../trace.js';
import type { Plain } from '../values.js';
import { isCheap } from './lowering.js';
import type { Eqn, Program } from './program.js';
import type { StagingTrace } from './stage.js';

/** Where each input of a staged transformation comes from at run time. */
export type Source =
  /** Seed `index` of the transformation (a cotangent of an output, or a tangent of an input). */
  | { readonly kind: 'seed'; readonly index: number }
  /** The value of a variable of the primal program (an input, or a residual of the forward run). */
  | { readonly kind: 'primal'; readonly v: number };

/**
 * The primal values one staged transformation reads: recomputed in the new program for cheap
 * elementwise equations, read from the forward run (as residual inputs) for the rest.
 */
export class Residuals {
  private readonly staged: (Value | undefined)[];
  readonly producer: Int32Array;

  constructor(
    private readonly p: Program,
    private readonly st: StagingTrace,
    private readonly remat: boolean,
    readonly sources: Source[],
  ) {
    this.staged = new Array<Value | undefined>(p.shapes.length);
    this.producer = new Int32Array(p.shapes.length).fill(-1);
    p.eqns.forEach((e, j) => {
      this.producer[e.out] = j;
    });
  }

  /** A new input of the staged program fed by seed `index`. */
  seed(v: number, index: number): Value {
    this.sources.push({ kind: 'seed', index });
    return this.st.input(this.p.shapes[v]!);
  }

  /** The primal of variable `v` as a value of the staged program. */
  of = (v: number): Value => {
    const have = this.staged[v];
    if (have !== undefined) return have;
    // Depth first without recursion: a long chain of cheap equations must not overflow the stack.
    const stack = [v];
    while (stack.length > 0) {
      const u = stack[stack.length - 1]!;
      if (this.staged[u] !== undefined) {
        stack.pop();
        continue;
      }
      const e = this.rematerialised(u);
      if (e === null) {
        this.staged[u] = this.leaf(u);
        stack.pop();
        continue;
      }
      let ready = true;
      for (const a of e.args) {
        if (this.staged[a] === undefined) {
          stack.push(a);
          ready = false;
        }
      }
      if (!ready) continue;
      stack.pop();
      const args = e.args.map((a) => this.staged[a]!);
      this.staged[u] = bind(e.prim as Primitive<PrimitiveName>, args, e.params as never);
    }
    return this.staged[v]!;
  };

  /** The equation that recomputes `v` inside the staged program, or null to read it. */
  private rematerialised(v: number): Eqn | null {
    if (!this.remat || this.p.literals.has(v)) return null;
    const j = this.producer[v]!;
    const e = j >= 0 ? this.p.eqns[j]! : null;
    return e !== null && isCheap(e.prim.name) ? e : null;
  }

  /** A literal, or a new input fed by the primal run. */
  private leaf(v: number): Value {
    const lit = this.p.literals.get(v);
    if (lit !== undefined) return lit as Plain;
    this.sources.push({ kind: 'primal', v });
    return this.st.input(this.p.shapes[v]!);
  }
}
