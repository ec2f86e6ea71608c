/**
 * Deferred evaluation: what an engine's trace records while f runs. Each op on the trace's
 * values appends an equation and computes nothing; a value is computed when something needs it
 * (`value()`, a buffer settling, an output), by running the equations not yet run. At the end,
 * an engine either runs the whole recording as compiled code (when nothing was computed early
 * and every input is plain) or lets the interpreter finish it.
 */
import type { AnyPrimitive, Primitive, PrimitiveName, PrimitiveParams } from '../primitive.js';
import { Tracer, type Value, bind } from '../trace.js';
import { NDArray, type Plain, type Shape } from '../values.js';
import { computedByInterpreter } from './interpret.js';
import { type Program, ProgramBuilder } from './program.js';

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

/** A run of f recorded as a program, with the values its inputs had on this run. */
export class Recording {
  readonly program = new ProgramBuilder();
  readonly kinds: InputKind[] = [];
  /** Per input (in order): its value on this run. */
  readonly inputValues: Value[] = [];
  /** Per variable: its value once computed. */
  readonly values: (Value | undefined)[] = [];
  /** Equations run so far (early, by `valueOf`, or all of them at the end). */
  evaluated = 0;
  /** True once a value was computed before the end (the compiled path then does not apply). */
  early = false;
  /** True once a value of another differentiation is an input. */
  foreign = false;

  /** A new input of the given kind, with its value on this run. */
  input(kind: InputKind, value: Value, shape: Shape): number {
    const v = this.program.input(shape);
    this.kinds.push(kind);
    this.inputValues.push(value);
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

  /** Appends an equation and returns its output variable. */
  eqn<N extends PrimitiveName>(
    prim: Primitive<N>,
    args: readonly number[],
    params: PrimitiveParams[N],
    shape: Shape,
  ): number {
    return this.program.eqn(prim as AnyPrimitive, args, params as PrimitiveParams[PrimitiveName], shape);
  }

  /** Equations recorded so far. */
  get size(): number {
    return this.program.eqns.length;
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
    this.run(this.program.eqns.length);
  }

  /** Sets the values of variables computed elsewhere (by a compiled run). */
  setValues(vars: readonly number[], values: readonly Value[]): void {
    for (let i = 0; i < vars.length; i++) this.values[vars[i]!] = values[i];
  }

  /** The recorded program, with these variables as its outputs. */
  finish(outputs: readonly number[]): Program {
    return this.program.finish(outputs);
  }

  private run(upTo: number): void {
    const { eqns } = this.program;
    const values = this.values;
    for (let j = this.evaluated; j < upTo; j++) {
      const e = eqns[j]!;
      const args = e.args.map((a) => values[a]!);
      values[e.out] = bind(e.prim as Primitive<PrimitiveName>, args, e.params as never);
    }
    if (upTo > this.evaluated) this.evaluated = upTo;
  }
}
