/**
 * The tape: a reverse-mode engine. A forward pass records each primitive applied to this
 * trace's values; the backward pass walks the records in reverse. An elementwise op on plain
 * numbers is recorded as its local partials (scalar code allocates only the tracers it returns);
 * any other op keeps its arguments and runs the primitive's VJP rule. Adjoints live in per-call
 * arrays indexed by slot, so nothing accumulates across calls, and the walk is a loop, so a long
 * chain cannot overflow the stack. The rules are portable math: run under an outer trace, they
 * give second derivatives.
 */
import {
  type AnyPrimitive,
  type BatchResult,
  type Engine,
  type LeafFn,
  type PrimitiveName,
  type PrimitiveParams,
  type Primitive,
  type PrepKey,
  type ScalarRule,
  Trace,
  Tracer,
  type Value,
  bind,
  shapeOf,
} from '@diffint/core/engine';
import { NDArray } from '@diffint/core';
import * as m from '@diffint/core/math';

type Shape = readonly number[];

const scalarShape: Shape = shapeOf(0);

/** What a slot holds: an input, a scalar record, or a general record (low two bits). */
const INPUT = 0;
const SCALAR = 1;
const GENERAL = 2;
/** Set when the slot's primal is a plain number, kept in `TapeTrace.numbers`. */
const PLAIN = 4;

/** Flags of a slot's adjoint in the backward pass: a number in `sadj`, a value in the map, or both. */
const IN_SADJ = 1;
const IN_MAP = 2;

/**
 * A value of the tape: an index into the trace's slots. Nothing of the op that made it is kept
 * here, so a tracer the user drops dies young; the trace keeps what the backward pass needs.
 */
class TapeTracer extends Tracer {
  constructor(
    readonly trace: TapeTrace,
    readonly shape: Shape,
    /** Index of the slot: inputs and records in the order they were made. */
    readonly id: number,
    /** The primal, unless it is a plain number (kept unboxed in the trace's `numbers`). */
    readonly boxed: Value | undefined,
  ) {
    super();
  }
}

/** An op recorded with its arguments, for the primitive's VJP rule. */
interface GeneralRecord {
  readonly prim: AnyPrimitive;
  readonly args: readonly Value[];
  readonly params: PrimitiveParams[PrimitiveName];
  readonly out: TapeTracer;
}

/** A plain array copied (its values now), anything else as it is. */
function copyPlain(v: Value): Value {
  if (typeof v === 'number' || v instanceof Tracer) return v;
  return v instanceof Float64Array ? v.slice() : new NDArray(v.data.slice(), v.shape);
}

/**
 * The arguments of a general record as the backward pass will see them: a plain array is
 * copied, because f may overwrite it after this op (`coef.fill(2); m.mul(x, coef);
 * coef.fill(5)`) and the op must be differentiated with the values it saw. Numbers and traced
 * values cannot change, so they are kept as they are (and enclosed data that never meets a
 * traced value is never recorded, so it costs nothing).
 */
function keptArguments(args: readonly Value[]): readonly Value[] {
  let kept: Value[] | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (typeof a === 'number' || a instanceof Tracer) continue;
    kept ??= args.slice();
    kept[i] = copyPlain(a);
  }
  return kept ?? args;
}

/** Where a scalar rule writes the output and partials of one op. */
const scratch = new Float64Array(3);

/** `needs` arrays for the VJP rules, shared by arity and mask, so the backward pass allocates none. */
const needsTable: boolean[][][] = [0, 1, 2, 3].map((arity) =>
  Array.from({ length: 1 << arity }, (_, mask) =>
    Array.from({ length: arity }, (_, i) => (mask & (1 << i)) !== 0),
  ),
);

/**
 * Memory for slot columns and adjoints, handed out in 8-byte-aligned regions of shared blocks
 * and never reused: a small recording costs views on a block rather than an allocation of its
 * own (each costs microseconds), and a block is freed by the garbage collector once no view
 * refers to it. Blocks are 64 KiB, small enough for the allocator to recycle freed memory
 * (larger ones come fresh from the OS and fault in page by page); a region larger than a
 * quarter block gets its own allocation.
 */
const BLOCK = 1 << 16;
let block: ArrayBuffer | null = null;
let blockUsed = 0;

function region(bytes: number): { readonly memory: ArrayBuffer; readonly at: number } {
  const size = (bytes + 7) & ~7;
  if (size > BLOCK / 4) return { memory: new ArrayBuffer(size), at: 0 };
  if (block === null || blockUsed + size > BLOCK) {
    block = new ArrayBuffer(BLOCK);
    blockUsed = 0;
  }
  const at = blockUsed;
  blockUsed += size;
  return { memory: block, at };
}

/**
 * The columns of a recording, one entry per slot: what the slot holds (`INPUT`, `SCALAR` or
 * `GENERAL`, with `PLAIN`), the primal of a plain-number slot, and for a scalar record its
 * argument slots (-1: a constant or a zero partial) and partials; all in one region.
 */
class Columns {
  readonly kind: Uint8Array;
  readonly numbers: Float64Array;
  readonly arg0: Int32Array;
  readonly arg1: Int32Array;
  readonly d0: Float64Array;
  readonly d1: Float64Array;

  constructor(
    readonly capacity: number,
    from?: Columns,
  ) {
    const { memory, at } = region(33 * capacity);
    this.numbers = new Float64Array(memory, at, capacity);
    this.d0 = new Float64Array(memory, at + 8 * capacity, capacity);
    this.d1 = new Float64Array(memory, at + 16 * capacity, capacity);
    this.arg0 = new Int32Array(memory, at + 24 * capacity, capacity);
    this.arg1 = new Int32Array(memory, at + 28 * capacity, capacity);
    this.kind = new Uint8Array(memory, at + 32 * capacity, capacity);
    if (from !== undefined) {
      this.numbers.set(from.numbers);
      this.d0.set(from.d0);
      this.d1.set(from.d1);
      this.arg0.set(from.arg0);
      this.arg1.set(from.arg1);
      this.kind.set(from.kind);
    }
  }
}

/**
 * One recording: the slot columns, and the records of general ops. An elementwise op on plain
 * numbers (the scalar path) stores its output and its local partials as numbers, so scalar code
 * allocates nothing per op but the tracer it returns; every other op (arrays, or values of an
 * outer differentiation) keeps a record with its arguments and runs the VJP rule backwards.
 */
class TapeTrace extends Trace {
  readonly engine = 'tape';
  /** Slots used: inputs, then records. */
  slots = 0;
  records = 0;
  columns: Columns;
  readonly general: GeneralRecord[] = [];

  /** `capacity`: the slots expected (the previous recording's count), so the columns rarely grow. */
  constructor(capacity: number) {
    super();
    this.columns = new Columns(capacity);
  }

  input(x: Value): TapeTracer {
    return this.slotFor(INPUT, x);
  }

  process<N extends PrimitiveName>(
    prim: Primitive<N>,
    args: readonly Value[],
    params: PrimitiveParams[N],
  ): Value {
    const rule = prim.scalar;
    if (rule !== undefined && args.length <= 2) {
      const t = this.scalarOp(rule, args[0]!, args[1]);
      if (t !== null) return t;
    }
    const out = bind(prim, this.primalsOf(args), params);
    const t = this.slotFor(GENERAL, out);
    this.general.push({ prim: prim as AnyPrimitive, args: keptArguments(args), params, out: t });
    this.records++;
    return t;
  }

  override processElementwise(prim: Primitive, a: Value, b: Value | undefined): Value | null {
    const rule = prim.scalar;
    return rule === undefined ? null : this.scalarOp(rule, a, b);
  }

  primal(t: Tracer): Value {
    const b = (t as TapeTracer).boxed;
    return b !== undefined ? b : this.columns.numbers[(t as TapeTracer).id]!;
  }

  /** A plain-number slot packs as its index, so a buffer can keep it without the tracer. */
  override pack(t: Tracer): number {
    const tt = t as TapeTracer;
    return tt.boxed === undefined ? tt.id : -1;
  }

  override unpack(id: number): Tracer {
    return new TapeTracer(this, scalarShape, id, undefined);
  }

  /** Records an elementwise op on plain numbers or this trace's plain-number slots; null otherwise. */
  private scalarOp(rule: ScalarRule, x: Value, y: Value | undefined): TapeTracer | null {
    let a: number;
    let s0 = -1;
    if (typeof x === 'number') a = x;
    else if (x instanceof TapeTracer && x.trace === this && x.boxed === undefined) {
      s0 = x.id;
      a = this.columns.numbers[s0]!;
    } else return null;
    let b = 0;
    let s1 = -1;
    if (y !== undefined) {
      if (typeof y === 'number') b = y;
      else if (y instanceof TapeTracer && y.trace === this && y.boxed === undefined) {
        s1 = y.id;
        b = this.columns.numbers[s1]!;
      } else return null;
    }
    rule.eval(a, b, scratch);
    const s = this.next(SCALAR | PLAIN);
    const c = this.columns;
    c.numbers[s] = scratch[0]!;
    const constant = rule.constant;
    if (s0 >= 0 && !constant) {
      c.arg0[s] = s0;
      c.d0[s] = scratch[1]!;
    } else c.arg0[s] = -1;
    if (s1 >= 0 && !constant) {
      c.arg1[s] = s1;
      c.d1[s] = scratch[2]!;
    } else c.arg1[s] = -1;
    this.records++;
    return new TapeTracer(this, scalarShape, s, undefined);
  }

  private slotFor(kind: number, primal: Value): TapeTracer {
    if (typeof primal === 'number') {
      const s = this.next(kind | PLAIN);
      this.columns.numbers[s] = primal;
      return new TapeTracer(this, scalarShape, s, undefined);
    }
    return new TapeTracer(this, shapeOf(primal), this.next(kind), primal);
  }

  private next(kind: number): number {
    const s = this.slots;
    if (s === this.columns.capacity) this.columns = new Columns(2 * s, this.columns);
    this.columns.kind[s] = kind;
    this.slots = s + 1;
    return s;
  }

  private primalsOf(args: readonly Value[]): Value[] {
    const primals = new Array<Value>(args.length);
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      primals[i] = a instanceof TapeTracer && a.trace === this ? this.primal(a) : a;
    }
    return primals;
  }

  /** The slot of an argument, or -1 for a constant (plain, or another trace's value). */
  private slotOf(a: Value): number {
    return a instanceof TapeTracer && a.trace === this ? a.id : -1;
  }

  /**
   * The adjoints of the inputs for one output cotangent. A plain-number slot keeps a plain
   * adjoint unboxed in `sadj`; anything else (arrays, values of an outer differentiation) is
   * kept in a map. Both may hold a part of one slot's adjoint.
   */
  backward(inputs: readonly TapeTracer[], ys: readonly Value[], cotangent: readonly Value[]): Value[] {
    const n = this.slots;
    const { kind, arg0, arg1, d0, d1 } = this.columns;
    const { general } = this;
    const { memory, at } = region(9 * n);
    const sadj = new Float64Array(memory, at, n);
    const held = new Uint8Array(memory, at + 8 * n, n);
    const adj = new Map<number, Value>();
    const accumulate = (s: number, g: Value) => {
      if (typeof g === 'number' && (kind[s]! & PLAIN) !== 0) {
        sadj[s] = sadj[s]! + g;
        held[s]! |= IN_SADJ;
      } else {
        const prev = adj.get(s);
        adj.set(s, prev === undefined ? g : m.add(prev, g));
        held[s]! |= IN_MAP;
      }
    };
    const adjointOf = (s: number): Value | undefined => {
      const h = held[s]!;
      if (h === 0) return undefined;
      if (h === IN_SADJ) return sadj[s]!;
      const boxed = adj.get(s)!;
      return h === IN_MAP ? boxed : m.add(boxed, sadj[s]!);
    };
    ys.forEach((y, j) => {
      const s = this.slotOf(y);
      if (s >= 0) accumulate(s, cotangent[j]!);
    });
    let next = general.length - 1;
    for (let s = n - 1; s >= 0; s--) {
      const k = kind[s]! & 3;
      if (k === INPUT) continue;
      if (k === SCALAR) {
        const h = held[s]!;
        if (h === 0) continue;
        const i0 = arg0[s]!;
        const i1 = arg1[s]!;
        if (h === IN_SADJ) {
          // Products with a strong zero: a zero adjoint or partial contributes exactly zero.
          const g = sadj[s]!;
          if (i0 >= 0) {
            const d = d0[s]!;
            const p = g * d;
            sadj[i0] = sadj[i0]! + (!Number.isNaN(p) || (g !== 0 && d !== 0) ? p : 0);
            held[i0]! |= IN_SADJ;
          }
          if (i1 >= 0) {
            const d = d1[s]!;
            const p = g * d;
            sadj[i1] = sadj[i1]! + (!Number.isNaN(p) || (g !== 0 && d !== 0) ? p : 0);
            held[i1]! |= IN_SADJ;
          }
        } else {
          const g = adjointOf(s)!;
          if (i0 >= 0) accumulate(i0, m.mulNoNan(g, d0[s]!));
          if (i1 >= 0) accumulate(i1, m.mulNoNan(g, d1[s]!));
        }
        continue;
      }
      const rec = general[next--]!;
      const g = adjointOf(s);
      if (g === undefined) continue;
      const { args } = rec;
      let mask = 0;
      for (let i = 0; i < args.length; i++) if (this.slotOf(args[i]!) >= 0) mask |= 1 << i;
      const needs = needsTable[args.length]?.[mask] ?? args.map((a) => this.slotOf(a) >= 0);
      const prim = rec.prim as Primitive<PrimitiveName>;
      const gs = prim.vjp(g, this.primalsOf(args), this.primal(rec.out), rec.params, needs);
      for (let i = 0; i < args.length; i++) {
        const gi = gs[i];
        if (gi != null && needs[i]) accumulate((args[i] as TapeTracer).id, gi);
      }
    }
    return inputs.map((x) => adjointOf(x.id) ?? m.zeros(x.shape));
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
  /** Slots of each preparation's last recording: the next one allocates its columns once. */
  const capacities = new WeakMap<PrepKey, number>();
  const engine: TapeEngine = {
    kind: 'engine',
    name: 'tape',
    precision: 'float64',
    mode: 'reverse',
    get lastTapeLength() {
      return lastTapeLength;
    },
    pullback(f: LeafFn, xs, cotangents, key): BatchResult {
      const trace = new TapeTrace(capacities.get(key) ?? 8);
      let inputs: TapeTracer[];
      let ys: readonly Value[];
      try {
        inputs = xs.map((x) => trace.input(x));
        ys = f(inputs);
      } finally {
        trace.finish();
      }
      lastTapeLength = trace.records;
      capacities.set(key, Math.max(8, trace.slots));
      const primals = ys.map((y) => (y instanceof TapeTracer && y.trace === trace ? trace.primal(y) : y));
      const results = cotangents(primals).map((ct) => trace.backward(inputs, ys, ct));
      return { ys: primals, results };
    },
  };
  return engine;
}
