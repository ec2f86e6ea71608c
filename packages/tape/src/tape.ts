/**
 * The tape: a reverse-mode engine. A forward pass records each primitive applied to this
 * trace's values; the backward pass walks the records in reverse, applying each primitive's
 * VJP rule. The adjoints live in a per-call array indexed by record, so nothing accumulates
 * across calls, and the walk is a loop, so a long chain cannot overflow the stack. The rules
 * are portable math: run under an outer trace, they give second derivatives.
 */
import {
  type AnyPrimitive,
  type BatchResult,
  type Engine,
  type LeafFn,
  type PrimitiveName,
  type PrimitiveParams,
  type Primitive,
  Trace,
  Tracer,
  type Value,
  bind,
  shapeOf,
} from '@diffint/core/engine';
import * as m from '@diffint/core/math';

type Shape = readonly number[];

/**
 * A value of the tape. A tracer made by a primitive is also its record: the primitive, its
 * arguments and its output — one object per recorded op, which keeps scalar code cheap.
 */
class TapeTracer extends Tracer {
  constructor(
    readonly trace: TapeTrace,
    /** The value one level down: plain, or a tracer of an outer differentiation. */
    readonly primal: Value,
    readonly shape: Shape,
    /** Index of the adjoint slot: inputs first, then one per record. */
    readonly id: number,
    /** The primitive that made it (null for an input), with its arguments and parameters. */
    readonly prim: AnyPrimitive | null,
    readonly args: readonly Value[],
    readonly params: PrimitiveParams[PrimitiveName] | null,
  ) {
    super();
  }
}

const noArgs: readonly Value[] = [];

/** `needs` arrays for the VJP rules, shared by arity and mask, so the backward pass allocates none. */
const needsTable: boolean[][][] = [0, 1, 2, 3].map((arity) =>
  Array.from({ length: 1 << arity }, (_, mask) =>
    Array.from({ length: arity }, (_, i) => (mask & (1 << i)) !== 0),
  ),
);

class TapeTrace extends Trace {
  readonly engine = 'tape';
  readonly records: TapeTracer[] = [];
  slots = 0;

  input(x: Value): TapeTracer {
    return new TapeTracer(this, x, shapeOf(x), this.slots++, null, noArgs, null);
  }

  process<N extends PrimitiveName>(
    prim: Primitive<N>,
    args: readonly Value[],
    params: PrimitiveParams[N],
  ): Value {
    const out = bind(prim, this.primalsOf(args), params);
    const t = new TapeTracer(this, out, shapeOf(out), this.slots++, prim as AnyPrimitive, args, params);
    this.records.push(t);
    return t;
  }

  primal(t: Tracer): Value {
    return (t as TapeTracer).primal;
  }

  private primalsOf(args: readonly Value[]): Value[] {
    const primals = new Array<Value>(args.length);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      primals[i] = a instanceof TapeTracer && a.trace === this ? a.primal : a;
    }
    return primals;
  }

  /** The adjoint slot of an argument, or -1 for a constant (plain, or another trace's value). */
  private slotOf(a: Value): number {
    return a instanceof TapeTracer && a.trace === this ? a.id : -1;
  }

  /** The adjoints of the inputs for one output cotangent. */
  backward(inputs: readonly TapeTracer[], ys: readonly Value[], cotangent: readonly Value[]): Value[] {
    const adj = new Array<Value | undefined>(this.slots);
    const accumulate = (id: number, g: Value) => {
      const prev = adj[id];
      adj[id] = prev === undefined ? g : m.add(prev, g);
    };
    ys.forEach((y, j) => {
      const id = this.slotOf(y);
      if (id >= 0) accumulate(id, cotangent[j]!);
    });
    for (let r = this.records.length - 1; r >= 0; r--) {
      const rec = this.records[r]!;
      const g = adj[rec.id];
      if (g === undefined) continue;
      adj[rec.id] = undefined;
      const { args } = rec;
      let mask = 0;
      for (let i = 0; i < args.length; i++) if (this.slotOf(args[i]!) >= 0) mask |= 1 << i;
      const needs = needsTable[args.length]?.[mask] ?? args.map((a) => this.slotOf(a) >= 0);
      const prim = rec.prim as Primitive<PrimitiveName>;
      const gs = prim.vjp(g, this.primalsOf(args), rec.primal, rec.params!, needs);
      for (let i = 0; i < args.length; i++) {
        const gi = gs[i];
        if (gi != null && needs[i]) accumulate((args[i] as TapeTracer).id, gi);
      }
    }
    return inputs.map((x) => adj[x.id] ?? m.zeros(x.shape));
  }
}

/** No options yet; the object is there so options can be added without breaking calls. */
export type TapeOptions = Record<string, never>;

export interface TapeEngine extends Engine {
  readonly name: 'tape';
  /** Records in the tape of the most recent differentiation (for tests and diagnostics). */
  readonly lastTapeLength: number;
}

/** The native reverse-mode engine, in float64. */
export function tape(_options: TapeOptions = {}): TapeEngine {
  let lastTapeLength = 0;
  const engine: TapeEngine = {
    kind: 'engine',
    name: 'tape',
    precision: 'float64',
    mode: 'reverse',
    get lastTapeLength() {
      return lastTapeLength;
    },
    pullback(f: LeafFn, xs, cotangents): BatchResult {
      const trace = new TapeTrace();
      let inputs: TapeTracer[];
      let ys: readonly Value[];
      try {
        inputs = xs.map((x) => trace.input(x));
        ys = f(inputs);
      } finally {
        trace.finish();
      }
      lastTapeLength = trace.records.length;
      const primals = ys.map((y) => (y instanceof TapeTracer && y.trace === trace ? y.primal : y));
      const results = cotangents(primals).map((ct) => trace.backward(inputs, ys, ct));
      return { ys: primals, results };
    },
  };
  return engine;
}
