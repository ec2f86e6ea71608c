/**
 * Forward mode: dual numbers with a batch of tangents per value. Each primitive applied to this
 * trace's values computes its primal one level down (`bind`) and then each tangent of the batch
 * with the primitive's JVP rule. A tangent may be `null`, a symbolic zero: a rule whose inputs'
 * tangents are all zero is skipped, so values that do not depend on x cost nothing. The rules are
 * portable math, so under an outer trace (another forward pass, a tape) they differentiate again.
 */
import {
  type BatchResult,
  type Engine,
  type LeafFn,
  type Primitive,
  type PrimitiveName,
  type PrimitiveParams,
  type Tangent,
  Trace,
  Tracer,
  type Value,
  bind,
  shapeOf,
} from '@diffint/core/engine';
import * as m from '@diffint/core/math';
import { InvalidInputError } from '@diffint/core';

type Shape = readonly number[];

const scalarShape: Shape = shapeOf(0);

/** t·p with a strong zero: a zero tangent or partial contributes exactly zero (0 × ∞ = 0). */
function strongProduct(t: number, p: number): number {
  const v = t * p;
  return !Number.isNaN(v) || (t !== 0 && p !== 0) ? v : 0;
}

/** Where a scalar rule writes the output and partials of one op. */
const scratch = new Float64Array(3);

class DualTracer extends Tracer {
  constructor(
    readonly trace: DualTrace,
    /** The value one level down: plain, or a tracer of an outer differentiation. */
    readonly primal: Value,
    readonly shape: Shape,
    /** One tangent per seed of the batch; `null` is a symbolic zero. */
    readonly tangents: readonly Tangent[],
  ) {
    super();
  }
}

class DualTrace extends Trace {
  readonly engine = 'forward';
  /** Primitive applications interpreted by this trace (for tests and diagnostics). */
  applications = 0;

  constructor(readonly batch: number) {
    super();
  }

  /** A value of this trace: `x` with one tangent per seed; an input whose seeds are all zero stays a constant. */
  input(x: Value, tangents: readonly Tangent[]): Value {
    return tangents.every((t) => t === null) ? x : new DualTracer(this, x, shapeOf(x), tangents);
  }

  process<N extends PrimitiveName>(
    prim: Primitive<N>,
    args: readonly Value[],
    params: PrimitiveParams[N],
  ): Value {
    this.applications++;
    const primals = new Array<Value>(args.length);
    const own = new Array<DualTracer | null>(args.length);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const mine = a instanceof DualTracer && a.trace === this ? a : null;
      own[i] = mine;
      primals[i] = mine === null ? a : mine.primal;
    }
    const out = bind(prim, primals, params);
    const tangents = new Array<Tangent>(this.batch);
    const ts = new Array<Tangent>(args.length);
    let anyTangent = false;
    for (let k = 0; k < this.batch; k++) {
      let nonZero = false;
      for (let i = 0; i < args.length; i++) {
        const t = own[i]?.tangents[k] ?? null;
        ts[i] = t;
        if (t !== null) nonZero = true;
      }
      const t = nonZero ? prim.jvp(ts, primals, out, params) : null;
      tangents[k] = t;
      if (t !== null) anyTangent = true;
    }
    return anyTangent ? new DualTracer(this, out, shapeOf(out), tangents) : out;
  }

  /**
   * An elementwise op on plain numbers with plain-number tangents: its scalar rule gives the
   * output and partials in one call, and each tangent is a sum of two products — no JVP rule.
   */
  override processElementwise(prim: Primitive, a: Value, b: Value | undefined): Value | null {
    const rule = prim.scalar;
    if (rule === undefined) return null;
    const da = this.scalarDual(a);
    const db = b === undefined ? null : this.scalarDual(b);
    if (da === undefined || db === undefined) return null;
    this.applications++;
    rule.eval(
      da === null ? (a as number) : (da.primal as number),
      b === undefined ? 0 : db === null ? (b as number) : (db.primal as number),
      scratch,
    );
    const out = scratch[0]!;
    if (rule.constant) return out;
    const pa = scratch[1]!;
    const pb = scratch[2]!;
    const tangents = new Array<Tangent>(this.batch);
    let anyTangent = false;
    for (let k = 0; k < this.batch; k++) {
      const ta = da === null ? null : (da.tangents[k] as number | null);
      const tb = db === null ? null : (db.tangents[k] as number | null);
      const t =
        ta === null
          ? tb === null
            ? null
            : strongProduct(tb, pb)
          : tb === null
            ? strongProduct(ta, pa)
            : strongProduct(ta, pa) + strongProduct(tb, pb);
      tangents[k] = t;
      if (t !== null) anyTangent = true;
    }
    return anyTangent ? new DualTracer(this, out, scalarShape, tangents) : out;
  }

  /**
   * For the scalar path: null for a plain number, the dual for this trace's value with a plain
   * number primal and plain-number (or zero) tangents, undefined for anything else.
   */
  private scalarDual(v: Value): DualTracer | null | undefined {
    if (typeof v === 'number') return null;
    if (!(v instanceof DualTracer) || v.trace !== this || typeof v.primal !== 'number') return undefined;
    for (const t of v.tangents) if (t !== null && typeof t !== 'number') return undefined;
    return v;
  }

  primal(t: Tracer): Value {
    return (t as DualTracer).primal;
  }

  /** The primal of an output leaf (an output that does not depend on x is its own primal). */
  primalOf(y: Value): Value {
    return y instanceof DualTracer && y.trace === this ? y.primal : y;
  }

  /** The tangent of an output leaf for seed k: a plain zero of its shape where it is symbolic. */
  tangentOf(y: Value, k: number): Value {
    const t = y instanceof DualTracer && y.trace === this ? y.tangents[k] : null;
    return t ?? m.zeros(shapeOf(y));
  }
}

/** A seed with no non-zero element is a symbolic zero (Jacobian chunks seed most leaves with zeros). */
function seedOf(t: Value): Tangent {
  if (t instanceof Tracer) return t;
  if (typeof t === 'number') return t === 0 ? null : t;
  const data = t instanceof Float64Array ? t : t.data;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) return t;
  return null;
}

/** Options of `forward()`. */
export interface ForwardOptions {
  /**
   * Tangents carried per pass (default 8): a Jacobian of an n-input function takes ⌈n/chunk⌉
   * passes, each costing about chunk + 1 evaluations of f's arithmetic.
   */
  readonly chunk?: number;
}

/** The engine `forward()` returns: dual numbers carrying `batchSize` tangents per pass, in float64. */
export interface ForwardEngine extends Engine {
  readonly name: 'forward';
  readonly batchSize: number;
  /** Primitive applications interpreted by the most recent pass (for tests and diagnostics). */
  readonly lastPassApplications: number;
}

/** The forward-mode engine, in float64: native pushforward of a batch; the rest derived by core. */
export function forward(options: ForwardOptions = {}): ForwardEngine {
  const chunk = options.chunk ?? 8;
  if (!Number.isInteger(chunk) || chunk < 1) {
    throw new InvalidInputError(
      `forward({ chunk }): chunk must be a positive integer (tangents per pass), got ${String(chunk)}.`,
    );
  }
  let lastPassApplications = 0;
  return {
    kind: 'engine',
    name: 'forward',
    precision: 'float64',
    mode: 'forward',
    batchSize: chunk,
    get lastPassApplications() {
      return lastPassApplications;
    },
    pushforward(f: LeafFn, xs, tangents): BatchResult {
      const trace = new DualTrace(tangents.length);
      let ys: readonly Value[];
      try {
        const inputs = xs.map((x, i) =>
          trace.input(
            x,
            tangents.map((t) => seedOf(t[i]!)),
          ),
        );
        ys = f(inputs);
      } finally {
        trace.finish();
        lastPassApplications = trace.applications;
      }
      return {
        ys: ys.map((y) => trace.primalOf(y)),
        results: tangents.map((_, k) => ys.map((y) => trace.tangentOf(y, k))),
      };
    },
  };
}
