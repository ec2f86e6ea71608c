/**
 * Deferred evaluation: what an engine's trace records while f runs. Each op on the trace's
 * values appends an equation and computes nothing; a value is computed when something needs it
 * (`value()`, a buffer settling, an output), by running the equations not yet run. At the end,
 * an engine either runs the whole recording as compiled code (when nothing was computed early
 * and every input is plain) or lets the interpreter finish it.
 */
import type { AnyPrimitive, Primitive, PrimitiveName, PrimitiveParams } from '../primitive.js';
import { Tracer, type Value, bind, shapeOf } from '../trace.js';
import { NDArray, type Plain, type Shape } from '../values.js';
import { computedByInterpreter } from './interpret.js';
import { type Program, ProgramBuilder } from './program.js';
import { sameParams } from './signature.js';

/** What an input of a recording is; part of the structure a compiled program is matched by. */
export const InputKind = {
  /** An active input (x), differentiated. */
  Active: 0,
  /** A plain number constant (read afresh on every run, never baked into code). */
  Number: 1,
  /** A plain array constant, copied when the op used it (f may overwrite it later). */
  Array: 2,
  /** A value of another differentiation: the recording is interpreted, never compiled. */
  Foreign: 3,
} as const;

export type InputKind = (typeof InputKind)[keyof typeof InputKind];

/** A snapshot of a plain array argument: the values it had when the op ran. */
function snapshot(a: Float64Array | NDArray): Plain {
  return a instanceof Float64Array ? a.slice() : new NDArray(a.data.slice(), a.shape);
}

/** True when `a` has the dimensions of `s`. */
function hasDims(a: Value, s: Shape): boolean {
  if (typeof a === 'number') return s.length === 0;
  if (a instanceof Float64Array) return s.length === 1 && s[0] === a.length;
  return sameDims(a.shape, s);
}

/** True when two shapes have the same dimensions. */
function sameDims(a: Shape, b: Shape): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/**
 * A run of f recorded as a program, with the values its inputs had on this run.
 *
 * A recording may be guided by the program an earlier run recorded (the engine's last one for
 * the preparation). While every input and equation is the one the guide has at that place —
 * same primitive, arguments, parameters and shapes — nothing is appended: a steady loop of
 * calls records the guide's structure without building it again, and `finish` returns the guide
 * itself, which the program cache confirms by identity. At the first difference the prefix is
 * copied out of the guide and the recording goes on as an unguided one.
 */
export class Recording {
  private built: ProgramBuilder | null = null;
  private guide: Program | null = null;
  /** While guided: variables, inputs and equations recorded so far (all the guide's). */
  private vars = 0;
  private inputsSeen = 0;
  private eqnsSeen = 0;
  /** Per input (in order): its kind. Sized by the guide, so complete once `finish` ran. */
  readonly kinds: InputKind[] = [];
  /** Per input (in order): its value on this run. Sized by the guide, so complete once `finish` ran. */
  readonly inputValues: Value[] = [];
  /** Per variable: its value once computed. */
  readonly values: (Value | undefined)[] = [];
  /** Equations run so far (early, by `valueOf`, or all of them at the end). */
  evaluated = 0;
  /** True once a value was computed before the end (the compiled path then does not apply). */
  early = false;
  /** True once a value of another differentiation is an input. */
  foreign = false;

  /** `guide`: the program an earlier run recorded, expected again (see the class). */
  constructor(guide: Program | null = null) {
    this.begin(guide);
  }

  /**
   * Starts a new recording in this object (an engine keeps one per preparation, so a steady call
   * allocates no recording): everything of the last one is dropped. Call `clear` when done with
   * a recording too, so that it keeps no value alive until the next.
   */
  begin(guide: Program | null): void {
    this.guide = guide;
    this.built = guide === null ? new ProgramBuilder() : null;
    this.vars = 0;
    this.inputsSeen = 0;
    this.eqnsSeen = 0;
    this.evaluated = 0;
    this.early = false;
    this.foreign = false;
    // At the size the guide says, instead of growing push by push.
    const inputs = guide === null ? 0 : guide.inputs.length;
    resize(this.kinds, inputs);
    resize(this.inputValues, inputs);
    resize(this.values, guide === null ? 0 : guide.shapes.length);
    // No value of the last recording may pass for one of this (`valueOf` trusts what is there).
    this.clear();
  }

  /** Drops the values of the recording (its program stays readable), keeping the lists' memory. */
  clear(): void {
    const { inputValues, values } = this;
    for (let i = 0; i < inputValues.length; i++) inputValues[i] = 0;
    for (let i = 0; i < values.length; i++) values[i] = undefined;
  }

  /** The program recorded so far, as a builder (a guided recording stops following its guide). */
  get program(): ProgramBuilder {
    return this.built ?? this.diverge();
  }

  /** Inputs recorded so far. */
  get inputCount(): number {
    return this.built === null ? this.inputsSeen : this.built.inputs.length;
  }

  /** The input index of variable `v` (an input), or -1. */
  inputIndex(v: number): number {
    if (this.built !== null) return this.built.inputs.indexOf(v);
    const inputs = this.guide!.inputs;
    for (let i = 0; i < this.inputsSeen; i++) if (inputs[i] === v) return i;
    return -1;
  }

  /**
   * The shape of `a`, about to be recorded as the next input: the guide's own list when `a` has
   * its dimensions (a steady call makes no shape list for its inputs), else `a`'s.
   */
  inputShape(a: Value): Shape {
    const g = this.guide;
    if (g !== null) {
      const v = g.inputs[this.inputsSeen];
      if (v === this.vars) {
        const s = g.shapes[v]!;
        if (hasDims(a, s)) return s;
      }
    }
    return shapeOf(a);
  }

  /** A new input of the given kind, with its value on this run. */
  input(kind: InputKind, value: Value, shape: Shape): number {
    const i = this.inputCount;
    const v = this.followInput(shape) ? this.vars++ : this.program.input(shape);
    this.kinds[i] = kind;
    this.inputValues[i] = value;
    this.values[v] = value;
    if (value instanceof Tracer) this.foreign = true;
    return v;
  }

  /** An input for a constant argument: a plain number, a plain array (snapshotted) or a foreign value. */
  constantInput(a: Value, shape: Shape): number {
    if (typeof a === 'number') return this.input(InputKind.Number, a, shape);
    if (a instanceof Tracer) return this.input(InputKind.Foreign, a, shape);
    return this.input(InputKind.Array, computedByInterpreter(a) ? a : snapshot(a), shape);
  }

  /**
   * Appends an equation and returns its output variable. `args` is read, not kept: the caller
   * may reuse the array.
   */
  eqn<N extends PrimitiveName>(
    prim: Primitive<N>,
    args: readonly number[],
    params: PrimitiveParams[N],
    shape: Shape,
  ): number {
    // Followed: the guide's shape is this one (see `follow`).
    const v = this.follow(prim as AnyPrimitive, args, params);
    if (v >= 0) return v;
    return this.program.eqn(
      prim as AnyPrimitive,
      args.slice(),
      params as PrimitiveParams[PrimitiveName],
      shape,
    );
  }

  /**
   * The output variable of an equation when the guide's next equation is this one (then it is
   * recorded, its shape being the guide's: the arguments are the same variables, of the same
   * shapes, so the primitive's shape rule would give it again), else -1 (the recording no
   * longer follows its guide: the caller computes the shape and calls `eqn`).
   */
  follow(prim: AnyPrimitive, args: readonly number[], params: unknown): number {
    if (this.built !== null) return -1;
    const g = this.guide!;
    const e = g.eqns[this.eqnsSeen];
    const v = this.vars;
    if (
      e !== undefined &&
      e.out === v &&
      e.prim === prim &&
      sameArgs(e.args, args) &&
      sameParams(e.params, params)
    ) {
      this.eqnsSeen++;
      return this.vars++;
    }
    this.diverge();
    return -1;
  }

  /** The shape of variable `v`. */
  shapeOf(v: number): Shape {
    return (this.built ?? this.guide!).shapes[v]!;
  }

  /** Equations recorded so far. */
  get size(): number {
    return this.built === null ? this.eqnsSeen : this.built.eqns.length;
  }

  /** The value of variable `v`, running the equations up to the one that makes it. */
  valueOf(v: number): Value {
    const have = this.values[v];
    if (have !== undefined) return have;
    const j = this.program.producer[v]!;
    this.early = true;
    this.run(j + 1);
    return this.values[v]!;
  }

  /** Runs every equation not yet run (interpreting them with `bind`). */
  runAll(): void {
    this.run(this.size);
  }

  /** Sets the values of variables computed elsewhere (by a compiled run), read from `values[from…]`. */
  setValues(vars: readonly number[], values: readonly Value[], from = 0): void {
    for (let i = 0; i < vars.length; i++) this.values[vars[i]!] = values[from + i];
  }

  /**
   * The recorded program, with these variables as its outputs (the guide itself when it is that).
   * `outputs` is read, not kept.
   */
  finish(outputs: readonly number[]): Program {
    // Fewer inputs than the guide has: the lists lose the places they were allocated with.
    const n = this.inputCount;
    resize(this.kinds, n);
    resize(this.inputValues, n);
    const g = this.guide;
    if (
      this.built === null &&
      g !== null &&
      this.eqnsSeen === g.eqns.length &&
      this.vars === g.shapes.length
    ) {
      return sameArgs(outputs, g.outputs) ? g : { ...g, outputs: outputs.slice() };
    }
    // A builder's program keeps its outputs list: one of its own (the caller may reuse `outputs`).
    return this.program.finish(outputs.slice());
  }

  /** Whether the next variable is an input of this shape in the guide (then it is taken as recorded). */
  private followInput(shape: Shape): boolean {
    if (this.built !== null) return false;
    const g = this.guide!;
    const v = this.vars;
    if (g.inputs[this.inputsSeen] === v && sameDims(g.shapes[v]!, shape)) {
      this.inputsSeen++;
      return true;
    }
    this.diverge();
    return false;
  }

  /** Stops following the guide: what was recorded so far is copied out of it into a builder. */
  private diverge(): ProgramBuilder {
    const b = new ProgramBuilder();
    const g = this.guide!;
    let i = 0;
    let j = 0;
    for (let v = 0; v < this.vars; v++) {
      if (g.inputs[i] === v) {
        b.input(g.shapes[v]!);
        i++;
      } else {
        const e = g.eqns[j++]!;
        b.eqn(e.prim, e.args, e.params, g.shapes[v]!);
      }
    }
    this.built = b;
    this.guide = null;
    return b;
  }

  private run(upTo: number): void {
    const eqns = (this.built ?? this.guide!).eqns;
    const values = this.values;
    for (let j = this.evaluated; j < upTo; j++) {
      const e = eqns[j]!;
      const args = e.args.map((a) => values[a]!);
      values[e.out] = bind(e.prim as Primitive<PrimitiveName>, args, e.params as never);
    }
    if (upTo > this.evaluated) this.evaluated = upTo;
  }
}

/** Sets a reused list's length: only when it changes (setting it is a call into the runtime even then). */
function resize(list: unknown[], n: number): void {
  if (list.length !== n) list.length = n;
}

function sameArgs(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}
