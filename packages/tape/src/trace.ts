/**
 * The tape's trace. Elementwise ops on plain numbers (the scalar path) are recorded as their
 * local partials in columns, computed at once, so scalar code allocates only the tracers it
 * returns. Every other op (arrays, or values of an outer differentiation) is recorded as an
 * equation of the IR and computed later: as compiled code at the end of f, or when something
 * reads its value first.
 */
import {
  type Primitive,
  type PrimitiveName,
  type Plain,
  type PrimitiveParams,
  type ScalarRule,
  Trace,
  Tracer,
  type Value,
  ir,
  shapeOf,
} from '@diffint/core/engine';
import { Columns } from './memory.js';

type Shape = readonly number[];

const scalarShape: Shape = shapeOf(0);

/**
 * The argument variables and shapes of the op being recorded, by arity: filled and read within
 * one `process` (which runs no user code), and copied by the recording where it keeps them.
 */
const argVars: number[][] = [];
const argShapes: Shape[][] = [];

/** The argument lists `processElementwise` hands to `process`, and the parameters of an elementwise op. */
const elementArgs1: Value[] = [0];
const elementArgs2: Value[] = [0, 0];
const elementParams = Object.freeze({});

type SlotInput = { readonly input: number; readonly slot: number };
/** The slot inputs of a recording that has none (array code): no list per call. */
const noSlotInputs: SlotInput[] = [];

/** Where a scalar rule writes the output and partials of one op. */
const scratch = new Float64Array(3);

/**
 * A value of the tape: a scalar slot (`slot` ≥ 0, a plain number in the columns) or a variable
 * of the recorded program (`v` ≥ 0). Nothing of the op that made it is kept here, so a tracer
 * the user drops dies young.
 */
export class TapeTracer extends Tracer {
  constructor(
    readonly trace: TapeTrace,
    readonly shape: Shape,
    readonly slot: number,
    readonly v: number,
  ) {
    super();
  }
}

export class TapeTrace extends Trace {
  readonly engine = 'tape';
  /** Scalar slots used: inputs, then records. */
  slots = 0;
  scalarRecords = 0;
  private cols: Columns | null = null;
  readonly recording: ir.Recording;
  /** The program inputs that stand for scalar slots (their adjoints are the slots'). */
  readonly slotInputs: { readonly input: number; readonly slot: number }[] = noSlotInputs;
  private slotVars: Map<number, number> | null = null;

  /**
   * `capacity`: the slots expected (the previous recording's count), so the columns rarely grow;
   * `guide`: the program the previous recording made, expected again (see `ir.Recording`);
   * `spare`: columns to record scalar slots in; `recording`: one to record in (begun here).
   */
  constructor(
    private readonly capacity: number,
    guide: ir.Program | null = null,
    private spare: Columns | null = null,
    recording: ir.Recording | null = null,
  ) {
    super();
    if (recording === null) this.recording = new ir.Recording(guide);
    else {
      recording.begin(guide);
      this.recording = recording;
    }
  }

  /**
   * The scalar columns, allocated on first use (array code never needs them), or the spare
   * columns an earlier recording of the preparation left (every entry of a slot is written
   * before it is read, so nothing of theirs shows).
   */
  get columns(): Columns {
    if (this.cols === null) {
      const spare = this.spare;
      this.cols = spare !== null && spare.capacity >= this.capacity ? spare : new Columns(this.capacity);
      this.spare = null;
    }
    return this.cols;
  }

  /** The columns this recording used, or null: for the preparation's next recording, once this one is done. */
  get usedColumns(): Columns | null {
    return this.cols ?? this.spare;
  }

  /** An active input: a plain number becomes a scalar slot, anything else a program input. */
  input(x: Value): TapeTracer {
    if (typeof x === 'number') {
      const s = this.next(0);
      this.columns.numbers[s] = x;
      return new TapeTracer(this, scalarShape, s, -1);
    }
    const shape = this.recording.inputShape(x);
    return new TapeTracer(this, shape, -1, this.recording.input(ir.InputKind.Active, x, shape));
  }

  /** The program input index of an input tracer's variable (inputs come first). */
  inputIndex(t: TapeTracer): number {
    return this.recording.inputIndex(t.v);
  }

  get records(): number {
    return this.scalarRecords + this.recording.size;
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
    return this.record(prim, args, params);
  }

  /** Records an op as an equation of the program (its arguments are not all scalar slots or numbers). */
  private record<N extends PrimitiveName>(
    prim: Primitive<N>,
    args: readonly Value[],
    params: PrimitiveParams[N],
  ): Value {
    const n = args.length;
    const vars = (argVars[n] ??= new Array<number>(n).fill(0));
    const shapes = (argShapes[n] ??= new Array<Shape>(n).fill(scalarShape));
    for (let i = 0; i < n; i++) {
      const a = args[i]!;
      if (a instanceof TapeTracer && a.trace === this) {
        vars[i] = a.v >= 0 ? a.v : this.slotVar(a.slot);
        shapes[i] = a.shape;
      } else {
        const s = this.recording.inputShape(a);
        shapes[i] = s;
        vars[i] = this.recording.constantInput(a, s);
      }
    }
    // A steady call records what the previous one did: the shape is the one recorded then.
    const rec = this.recording;
    const v = rec.follow(prim as never, vars, params);
    if (v >= 0) return new TapeTracer(this, rec.shapeOf(v), -1, v);
    const shape = prim.shape(shapes, params);
    return new TapeTracer(this, shape, -1, rec.eqn(prim, vars, params, shape));
  }

  override processElementwise(prim: Primitive, a: Value, b: Value | undefined): Value | null {
    const rule = prim.scalar;
    const t = rule === undefined ? null : this.scalarOp(rule, a, b);
    if (t !== null) return t;
    // An op on arrays: recorded, its arguments in a list of this module's (read and dropped
    // there) rather than one per op.
    if (b === undefined) {
      elementArgs1[0] = a;
      const out = this.record(prim, elementArgs1, elementParams as never);
      elementArgs1[0] = 0;
      return out;
    }
    elementArgs2[0] = a;
    elementArgs2[1] = b;
    const out = this.record(prim, elementArgs2, elementParams as never);
    elementArgs2[0] = 0;
    elementArgs2[1] = 0;
    return out;
  }

  primal(t: Tracer): Value {
    const tt = t as TapeTracer;
    return tt.slot >= 0 ? this.columns.numbers[tt.slot]! : this.recording.valueOf(tt.v);
  }

  /** A constant recorded as a program input, so ops on it are recorded, not computed (see `Trace.lift`). */
  override lift(v: Plain): TapeTracer {
    const shape = this.recording.inputShape(v);
    return new TapeTracer(this, shape, -1, this.recording.constantInput(v, shape));
  }

  /** A scalar slot packs as its index, so a buffer can keep it without the tracer. */
  override pack(t: Tracer): number {
    return (t as TapeTracer).slot;
  }

  override unpack(id: number): Tracer {
    return new TapeTracer(this, scalarShape, id, -1);
  }

  /** The program variable standing for a scalar slot (an active input of the program). */
  private slotVar(slot: number): number {
    this.slotVars ??= new Map();
    let v = this.slotVars.get(slot);
    if (v === undefined) {
      if (this.slotInputs === noSlotInputs) (this as { slotInputs: SlotInput[] }).slotInputs = [];
      this.slotInputs.push({ input: this.recording.inputCount, slot });
      v = this.recording.input(ir.InputKind.Active, this.columns.numbers[slot]!, scalarShape);
      this.slotVars.set(slot, v);
    }
    return v;
  }

  /** Records an elementwise op on plain numbers or this trace's scalar slots; null otherwise. */
  private scalarOp(rule: ScalarRule, x: Value, y: Value | undefined): TapeTracer | null {
    let a: number;
    let s0 = -1;
    if (typeof x === 'number') a = x;
    else if (x instanceof TapeTracer && x.trace === this && x.slot >= 0) {
      s0 = x.slot;
      a = this.columns.numbers[s0]!;
    } else return null;
    let b = 0;
    let s1 = -1;
    if (y !== undefined) {
      if (typeof y === 'number') b = y;
      else if (y instanceof TapeTracer && y.trace === this && y.slot >= 0) {
        s1 = y.slot;
        b = this.columns.numbers[s1]!;
      } else return null;
    }
    rule.eval(a, b, scratch);
    const s = this.next(1);
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
    this.scalarRecords++;
    return new TapeTracer(this, scalarShape, s, -1);
  }

  private next(isRecord: number): number {
    const s = this.slots;
    const c = this.columns;
    if (s === c.capacity) this.cols = new Columns(2 * s + 8, c);
    this.columns.isRecord[s] = isRecord;
    this.slots = s + 1;
    return s;
  }
}
