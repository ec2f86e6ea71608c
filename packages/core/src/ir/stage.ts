/**
 * The staging trace: portable math applied to its tracers records equations instead of
 * computing. Transformations use it to write programs with the primitives' own rules (a VJP
 * rule run on staged values is the backward program of that equation), so no rule is restated.
 */
import type { AnyPrimitive, Primitive, PrimitiveName, PrimitiveParams } from '../primitive.js';
import { Trace, Tracer, type Value, shapeOf } from '../trace.js';
import type { Plain, Shape } from '../values.js';
import { ProgramBuilder } from './program.js';

/** A staged value: a variable of the program being written. */
export class StagedTracer extends Tracer {
  constructor(
    readonly trace: StagingTrace,
    readonly shape: Shape,
    readonly v: number,
  ) {
    super();
  }
}

/**
 * Thrown while staging when a rule needs something a program cannot express: a primal value
 * (`value()` in a rule), or a value of another differentiation. The caller runs the eager path.
 */
export class NotStageableError extends Error {
  constructor(why: string) {
    super(`cannot be staged: ${why}`);
    this.name = 'NotStageableError';
  }
}

/** A trace that records f into a program instead of computing it. */
export class StagingTrace extends Trace {
  readonly engine = 'staging';
  readonly program = new ProgramBuilder();

  /** A traced input of f, recorded as a program input. */
  input(shape: Shape): StagedTracer {
    return new StagedTracer(this, shape, this.program.input(shape));
  }

  /** The variable of a value: its own, or a new literal for a plain one. */
  varOf(a: Value): number {
    if (a instanceof StagedTracer && a.trace === this) return a.v;
    if (a instanceof Tracer)
      throw new NotStageableError(`a value of the ${a.trace.engine} engine reached a staged rule`);
    return this.program.literal(a as Plain, shapeOf(a));
  }

  process<N extends PrimitiveName>(
    prim: Primitive<N>,
    args: readonly Value[],
    params: PrimitiveParams[N],
  ): Value {
    const vars = new Array<number>(args.length);
    const shapes = new Array<Shape>(args.length);
    for (let i = 0; i < args.length; i++) {
      vars[i] = this.varOf(args[i]!);
      shapes[i] = shapeOf(args[i]!);
    }
    const shape = prim.shape(shapes, params);
    const out = this.program.eqn(prim as AnyPrimitive, vars, params as PrimitiveParams[PrimitiveName], shape);
    return new StagedTracer(this, shape, out);
  }

  primal(_t: Tracer): Value {
    throw new NotStageableError('a rule read a primal value');
  }

  /** The variable for an output: a staged value, or a literal. */
  outputVar(v: Value): number {
    return this.varOf(v);
  }
}
