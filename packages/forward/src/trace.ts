/**
 * The forward trace. An elementwise op on plain numbers with plain-number tangents (the scalar
 * path) is computed at once: its scalar rule gives the output and partials, and each tangent of
 * the batch is a sum of two products. Every other op (arrays, or values of an outer
 * differentiation) is recorded as an equation of the IR and computed later, with its tangents,
 * by the tangent program (see forward.ts).
 */
import {
  type Primitive,
  type PrimitiveName,
  type Plain,
  type PrimitiveParams,
  type Tangent,
  Trace,
  Tracer,
  type Value,
  ir,
  shapeOf,
} from '@diffint/core/engine';

type Shape = readonly number[];

const scalarShape: Shape = shapeOf(0);

/** t·p with a strong zero: a zero tangent or partial contributes exactly zero (0 × ∞ = 0). */
function strongProduct(t: number, p: number): number {
  const v = t * p;
  return !Number.isNaN(v) || (t !== 0 && p !== 0) ? v : 0;
}

/** Where a scalar rule writes the output and partials of one op. */
const scratch = new Float64Array(3);

/** A dual number of the scalar path: a plain number with plain-number (or zero) tangents. */
/**
 * The argument variables and shapes of the op being recorded, by arity: filled and read within
 * one `process` (which runs no user code), and copied by the recording where it keeps them.
 */
const argVars: number[][] = [];
const argShapes: Shape[][] = [];

export class DualTracer extends Tracer {
  /** The program variable standing for it once an equation uses it, or -1. */
  v = -1;
  constructor(
    readonly trace: DualTrace,
    readonly primal: number,
    /** One tangent per seed of the batch; `null` is a symbolic zero. */
    readonly tangents: readonly (number | null)[],
  ) {
    super();
  }

  get shape(): Shape {
    return scalarShape;
  }
}

/** A value recorded as a variable of the program; its tangents come from the tangent program. */
export class StagedDual extends Tracer {
  constructor(
    readonly trace: DualTrace,
    readonly shape: Shape,
    readonly v: number,
  ) {
    super();
  }
}

export class DualTrace extends Trace {
  readonly engine = 'forward';
  /** Primitive applications on this trace's values (for tests and diagnostics). */
  applications = 0;
  readonly recording: ir.Recording;
  /** Per program input: its tangent seeds (one per direction of the batch; null is zero). */
  readonly seeds: (readonly Tangent[])[] = [];

  /** `guide`: the program the previous recording of the preparation made (see `ir.Recording`). */
  constructor(
    readonly batch: number,
    guide: ir.Program | null = null,
  ) {
    super();
    this.recording = new ir.Recording(guide);
  }

  /** A value of this trace: `x` with one tangent per seed; an input whose seeds are all zero stays a constant. */
  input(x: Value, tangents: readonly Tangent[]): Value {
    if (tangents.every((t) => t === null)) return x;
    if (typeof x === 'number' && tangents.every((t) => t === null || typeof t === 'number')) {
      return new DualTracer(this, x, tangents as readonly (number | null)[]);
    }
    const shape = shapeOf(x);
    this.seeds.push(tangents);
    return new StagedDual(this, shape, this.recording.input(ir.InputKind.Active, x, shape));
  }

  process<N extends PrimitiveName>(
    prim: Primitive<N>,
    args: readonly Value[],
    params: PrimitiveParams[N],
  ): Value {
    this.applications++;
    const n = args.length;
    const vars = (argVars[n] ??= new Array<number>(n).fill(0));
    const shapes = (argShapes[n] ??= new Array<Shape>(n).fill(scalarShape));
    for (let i = 0; i < n; i++) {
      const a = args[i]!;
      if (a instanceof StagedDual && a.trace === this) {
        vars[i] = a.v;
        shapes[i] = a.shape;
      } else if (a instanceof DualTracer && a.trace === this) {
        vars[i] = this.dualVar(a);
        shapes[i] = scalarShape;
      } else {
        const s = shapeOf(a);
        shapes[i] = s;
        vars[i] = this.recording.constantInput(a, s);
        this.seeds.push([]);
      }
    }
    // A steady call records what the previous one did: the shape is the one recorded then.
    const rec = this.recording;
    const v = rec.follow(prim as never, vars, params);
    if (v >= 0) return new StagedDual(this, rec.shapeOf(v), v);
    const shape = prim.shape(shapes, params);
    return new StagedDual(this, shape, rec.eqn(prim, vars, params, shape));
  }

  override processElementwise(prim: Primitive, a: Value, b: Value | undefined): Value | null {
    const rule = prim.scalar;
    if (rule === undefined) return null;
    const da = this.scalarDual(a);
    const db = b === undefined ? null : this.scalarDual(b);
    if (da === undefined || db === undefined) return null;
    this.applications++;
    rule.eval(
      da === null ? (a as number) : da.primal,
      b === undefined ? 0 : db === null ? (b as number) : db.primal,
      scratch,
    );
    const out = scratch[0]!;
    if (rule.constant) return out;
    const pa = scratch[1]!;
    const pb = scratch[2]!;
    // A dual number has a tangent in some direction, so the result has one there too: always a dual.
    const tangents = new Array<number | null>(this.batch);
    for (let k = 0; k < this.batch; k++) {
      const ta = da === null ? null : da.tangents[k]!;
      const tb = db === null ? null : db.tangents[k]!;
      const t =
        ta === null
          ? tb === null
            ? null
            : strongProduct(tb, pb)
          : tb === null
            ? strongProduct(ta, pa)
            : strongProduct(ta, pa) + strongProduct(tb, pb);
      tangents[k] = t;
    }
    return new DualTracer(this, out, tangents);
  }

  /** A constant recorded as a program input, so ops on it are recorded, not computed (see `Trace.lift`). */
  override lift(v: Plain): StagedDual {
    const shape = shapeOf(v);
    this.seeds.push([]);
    return new StagedDual(this, shape, this.recording.constantInput(v, shape));
  }

  primal(t: Tracer): Value {
    return t instanceof DualTracer ? t.primal : this.recording.valueOf((t as StagedDual).v);
  }

  /** The program variable standing for a scalar dual (an active input with its tangents). */
  private dualVar(d: DualTracer): number {
    if (d.v < 0) {
      d.v = this.recording.input(ir.InputKind.Active, d.primal, scalarShape);
      this.seeds.push(d.tangents);
    }
    return d.v;
  }

  /** For the scalar path: null for a plain number, the dual for this trace's scalar dual, undefined otherwise. */
  private scalarDual(v: Value): DualTracer | null | undefined {
    if (typeof v === 'number') return null;
    return v instanceof DualTracer && v.trace === this ? v : undefined;
  }
}
