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
import type { Program } from './program.js';
import type { StagingTrace } from './stage.js';

/** Where each input of a staged transformation comes from at run time. */
export type Source =
  /** Seed `index` of the transformation (a cotangent of an output, or a tangent of an input). */
  | { readonly kind: 'seed'; readonly index: number }
  /** The value of a variable of the primal program (an input, or a residual of the forward run). */
  | { readonly kind: 'primal'; readonly v: number };

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
    const lit = this.p.literals.get(v);
    let out: Value;
    if (lit !== undefined) out = lit as Plain;
    else {
      const j = this.producer[v]!;
      const e = j >= 0 ? this.p.eqns[j]! : null;
      if (e !== null && this.remat && isCheap(e.prim.name)) {
        out = bind(e.prim as Primitive<PrimitiveName>, e.args.map(this.of), e.params as never);
      } else {
        out = this.st.input(this.p.shapes[v]!);
        this.sources.push({ kind: 'primal', v });
      }
    }
    this.staged[v] = out;
    return out;
  };
}
