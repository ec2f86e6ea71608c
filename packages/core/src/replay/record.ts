/**
 * The recording a replay is made from: f run once on values of a trace that computes each op
 * at once (so `value()` reads and control flow work as in a plain call) and records it as an
 * equation of an IR program. Plain ops in f are recorded too, so an array f derives from
 * enclosed data is recomputed from that data on every replay; what f reads and writes of
 * buffers, the `value()` reads and the arrays it captures are kept for the guards.
 */
import type { Buffer, BufferObserver } from '../buffer.js';
import { ProgramBuilder } from '../ir/program.js';
import type { AnyPrimitive, Primitive, PrimitiveName, PrimitiveParams } from '../primitive.js';
import { type PlainObserver, Trace, Tracer, type Value, shapeOf } from '../trace.js';
import { NDArray, type Plain, type Shape } from '../values.js';

/** A value of the recording: a program variable and the value it has in this run. */
export class ReplayTracer extends Tracer {
  constructor(
    readonly trace: ReplayTrace,
    readonly shape: Shape,
    readonly v: number,
    readonly value: Plain,
  ) {
    super();
  }
}

/** Where an input of the replayed program comes from on each call. */
export type Origin =
  /** Leaf `index` of x. */
  | { readonly kind: 'x'; readonly index: number }
  /** Entry `entry` of the contexts' walk (an array of a `constant()`), read from the call's contexts. */
  | { readonly kind: 'context'; readonly entry: number }
  /** An array f reached through its closure: read as it is on each call. */
  | { readonly kind: 'enclosed'; readonly array: Float64Array | NDArray; readonly shape: Shape };

/** Thrown while recording when f does something a replay cannot reproduce; f then runs on every call. */
export class NotReplayable extends Error {
  constructor(readonly why: string) {
    super(`not replayable: ${why}`);
    this.name = 'NotReplayable';
  }
}

/** What f did with one buffer: per element, read before written (1) or written (2); `all`: written whole. */
export interface BufferUse {
  readonly state: Uint8Array;
  /** Elements read before f wrote them, with the value read: the replay's guards. */
  readonly reads: number[];
  readonly values: number[];
  all: boolean;
  written: boolean;
}

function copyOf(a: Plain): Plain {
  if (typeof a === 'number') return a;
  return a instanceof Float64Array ? a.slice() : new NDArray(a.data.slice(), a.shape);
}

const scalarShape: Shape = shapeOf(0);

const mutatedWhy = 'f wrote into a plain array that it also computed with; such a function is never replayed';

function sameData(a: Float64Array | NDArray, copy: Float64Array): boolean {
  const data = a instanceof NDArray ? a.data : a;
  if (data.length !== copy.length) return false;
  for (let i = 0; i < copy.length; i++) if (!Object.is(data[i], copy[i])) return false;
  return true;
}

/** The trace a replay records f with. */
export class ReplayTrace extends Trace implements BufferObserver {
  readonly engine = 'replay';
  readonly program = new ProgramBuilder();
  /** Per variable: its value in this run. */
  readonly values: Plain[] = [];
  /** Per variable: 1 when it depends on an input that is not x (a read of enclosed or context data). */
  readonly fromData: number[] = [];
  /** Per program input: where it comes from. */
  readonly origins: Origin[] = [];
  /** Arrays f reached, with a copy of what they held when first read (to see whether f wrote them). */
  readonly captured: { readonly array: Float64Array | NDArray; readonly copy: Float64Array }[] = [];
  /** `value()` reads: the variable and what it held. */
  readonly guards: { readonly v: number; readonly value: Plain }[] = [];
  /** Numbers f computed with plain math from enclosed or context data: checked on each call. */
  readonly numberGuards: number[] = [];
  readonly buffersUsed = new Map<Buffer, BufferUse>();
  /** True while f runs (a primal read then is a `value()` read, a guard). */
  recording = true;
  /** Arrays seen so far: their variable and what they held then. */
  private readonly known = new Map<object, { readonly v: number; readonly copy: Float64Array }>();
  /** True once an op read an array f had written into since an earlier op read it. */
  private mutated = false;

  /** `contextEntries`: the arrays of the contexts, to the index of their entry in the contexts' walk. */
  constructor(private readonly contextEntries: ReadonlyMap<object, number>) {
    super();
  }

  /** An active input: leaf `index` of x. */
  input(x: Plain, index: number): ReplayTracer {
    const shape = shapeOf(x);
    const v = this.program.input(shape);
    this.origins.push({ kind: 'x', index });
    this.values[v] = x;
    this.fromData[v] = 0;
    return new ReplayTracer(this, shape, v, x);
  }

  process<N extends PrimitiveName>(
    prim: Primitive<N>,
    args: readonly Value[],
    params: PrimitiveParams[N],
  ): Value {
    const n = args.length;
    const vars = new Array<number>(n);
    const vals = new Array<Plain>(n);
    const shapes = new Array<Shape>(n);
    for (let i = 0; i < n; i++) {
      const a = args[i]!;
      if (a instanceof ReplayTracer && a.trace === this) {
        vars[i] = a.v;
        vals[i] = a.value;
        shapes[i] = a.shape;
      } else if (a instanceof Tracer) {
        throw new NotReplayable(
          `a value of another differentiation (${a.trace.engine}) reached ${prim.name}`,
        );
      } else {
        vars[i] = this.plainVar(a);
        vals[i] = a;
        shapes[i] = shapeOf(a);
      }
    }
    const shape = prim.shape(shapes, params);
    const value = prim.impl(vals, params);
    const v = this.equation(prim, vars, params, shape, value);
    return new ReplayTracer(this, shape, v, value);
  }

  /** A primitive applied to plain values inside f: recorded, so a replay recomputes it from fresh data. */
  readonly plain: PlainObserver = (prim, args, params, out) => {
    const vars = args.map((a) => this.plainVar(a));
    const v = this.equation(prim, vars, params, shapeOf(out), out);
    if (typeof out === 'number') {
      if (this.fromData[v] === 1) this.numberGuards.push(v);
    } else {
      // f may write into what a plain op gave it: then a replay must not run.
      const copy = (out instanceof NDArray ? out.data : out).slice();
      this.known.set(out, { v, copy });
      this.captured.push({ array: out, copy });
    }
  };

  primal(t: Tracer): Value {
    const r = t as ReplayTracer;
    if (this.recording) this.guards.push({ v: r.v, value: copyOf(r.value) });
    return r.value;
  }

  /** The variable of a value f returned or left in a buffer. */
  varOf(a: Value): number {
    if (a instanceof ReplayTracer && a.trace === this) return a.v;
    if (a instanceof Tracer)
      throw new NotReplayable(`f returned a value of another differentiation (${a.trace.engine})`);
    return this.plainVar(a);
  }

  read(b: Buffer, k: number, value: number): void {
    if (!this.recording) return;
    const use = this.useOf(b);
    if (use.all || use.state[k] !== 0) return;
    use.state[k] = 1;
    use.reads.push(k);
    use.values.push(value);
  }

  write(b: Buffer, k: number): void {
    if (!this.recording) return;
    const use = this.useOf(b);
    use.written = true;
    if (k < 0) use.all = true;
    else use.state[k] = 2;
  }

  /** Why a replay of this recording would not compute what f computes, or null. */
  check(): string | null {
    if (this.mutated) return mutatedWhy;
    for (const { array, copy } of this.captured) {
      const data = array instanceof NDArray ? array.data : array;
      for (let i = 0; i < copy.length; i++) {
        if (!Object.is(data[i], copy[i])) {
          return mutatedWhy;
        }
      }
    }
    return null;
  }

  private useOf(b: Buffer): BufferUse {
    let use = this.buffersUsed.get(b);
    if (use === undefined) {
      use = { state: new Uint8Array(b.size), reads: [], values: [], all: false, written: false };
      this.buffersUsed.set(b, use);
    }
    return use;
  }

  private equation(
    prim: Primitive,
    vars: readonly number[],
    params: PrimitiveParams[PrimitiveName],
    shape: Shape,
    value: Plain,
  ): number {
    const v = this.program.eqn(prim as AnyPrimitive, vars, params, shape);
    this.values[v] = value;
    let fromData = 0;
    for (const a of vars) fromData |= this.fromData[a]!;
    this.fromData[v] = fromData;
    return v;
  }

  /** The variable of a plain argument: a literal number, an array computed in f, or an input read on each call. */
  private plainVar(a: Plain): number {
    if (typeof a === 'number') {
      const v = this.program.literal(a, scalarShape);
      this.values[v] = a;
      this.fromData[v] = 0;
      return v;
    }
    const have = this.known.get(a);
    if (have !== undefined) {
      if (sameData(a, have.copy)) return have.v;
      // f wrote into it since an op read it: this op reads what it holds now (and f is not replayed).
      this.mutated = true;
    }
    const shape = shapeOf(a);
    const copy = a instanceof NDArray ? a.data.slice() : a.slice();
    const v = this.program.input(shape);
    const entry = this.contextEntries.get(a);
    this.origins.push(
      entry === undefined ? { kind: 'enclosed', array: a, shape } : { kind: 'context', entry },
    );
    this.captured.push({ array: a, copy });
    this.values[v] = a instanceof NDArray ? new NDArray(copy, a.shape) : copy;
    this.fromData[v] = 1;
    this.known.set(a, { v, copy });
    return v;
  }
}
