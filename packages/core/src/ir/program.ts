/**
 * The IR: a traced program as data, in the spirit of a jaxpr. Every value is a variable with a
 * shape; a variable is an input of the program, a literal (a plain value baked in) or the output
 * of one equation — a primitive applied to variables. Equations are in an order in which each
 * one's arguments come before it, so every transformation is one walk of the list.
 */
import type { AnyPrimitive, PrimitiveName, PrimitiveParams } from '../primitive.js';
import type { Plain, Shape } from '../values.js';

/** One primitive application: `out = prim(args…; params)`. */
export interface Eqn {
  readonly prim: AnyPrimitive;
  readonly args: readonly number[];
  readonly params: PrimitiveParams[PrimitiveName];
  readonly out: number;
}

/**
 * A program over variables `0 … shapes.length-1`. `inputs` are supplied on every run, in order;
 * `literals` are constants of the program itself (numbers and arrays that derivative rules
 * create); every other variable is the output of exactly one equation.
 */
export interface Program {
  readonly shapes: readonly Shape[];
  readonly inputs: readonly number[];
  readonly literals: ReadonlyMap<number, Plain>;
  readonly eqns: readonly Eqn[];
  readonly outputs: readonly number[];
}

/** A growing program: what a staging trace records into. */
export class ProgramBuilder {
  readonly shapes: Shape[] = [];
  readonly inputs: number[] = [];
  readonly literals = new Map<number, Plain>();
  readonly eqns: Eqn[] = [];
  /** Per variable: the index of the equation that makes it, or -1. */
  readonly producer: number[] = [];

  /** A new input variable of the given shape. */
  input(shape: Shape): number {
    const v = this.newVar(shape);
    this.inputs.push(v);
    return v;
  }

  /** A new variable holding a constant value. */
  literal(value: Plain, shape: Shape): number {
    const v = this.newVar(shape);
    this.literals.set(v, value);
    return v;
  }

  /** Appends an equation (a primitive applied to variables) and returns its output variable. */
  eqn(
    prim: AnyPrimitive,
    args: readonly number[],
    params: PrimitiveParams[PrimitiveName],
    shape: Shape,
  ): number {
    const out = this.newVar(shape);
    this.producer[out] = this.eqns.length;
    this.eqns.push({ prim, args, params, out });
    return out;
  }

  /** The finished program, with these variables as its outputs. */
  finish(outputs: readonly number[]): Program {
    return { shapes: this.shapes, inputs: this.inputs, literals: this.literals, eqns: this.eqns, outputs };
  }

  private newVar(shape: Shape): number {
    const v = this.shapes.length;
    this.shapes.push(shape);
    this.producer.push(-1);
    return v;
  }
}

/** A readable listing of a program (for tests and debugging). */
export function formatProgram(p: Program): string {
  const lines = [`in ${p.inputs.map((v) => `v${v}:[${p.shapes[v]!.join(',')}]`).join(' ')}`];
  for (const [v, l] of p.literals)
    lines.push(`v${v} = ${typeof l === 'number' ? l : `literal[${p.shapes[v]!.join(',')}]`}`);
  for (const e of p.eqns) {
    lines.push(
      `v${e.out}:[${p.shapes[e.out]!.join(',')}] = ${e.prim.name}(${e.args.map((a) => `v${a}`).join(', ')})`,
    );
  }
  lines.push(`out ${p.outputs.map((v) => `v${v}`).join(' ')}`);
  return lines.join('\n');
}
