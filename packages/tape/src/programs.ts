/**
 * What the tape builds once per program structure: the backward program (written by the
 * primitives' VJP rules on staged values), and the compiled forward and backward runs. Built on
 * first use and kept in a per-preparation cache, so a steady loop of calls builds nothing.
 */
import { ir } from '@diffint/core/engine';

export interface Built {
  /** The recorded program, its outputs being the outputs of f then the values buffers hold. */
  readonly program: ir.Program;
  /** How many of the program's outputs are outputs of f (those get cotangents). */
  readonly yCount: number;
  readonly active: readonly boolean[];
  /** Compiled: the forward run (outputs, then residuals) and the backward run; null if not stageable. */
  compiled: CompiledRuns | null | undefined;
  /** For interpretation: the backward program reading every primal from the forward run. */
  plain: ir.Backward | null | undefined;
  /** Recordings of this structure seen so far. */
  sightings: number;
}

/** The compiled forward run (outputs, then residuals), the backward program and its compiled run. */
export interface CompiledRuns {
  readonly forward: ir.Compiled;
  readonly backward: ir.Backward;
  readonly backwardRun: ir.Compiled;
}

/**
 * A new entry for a program structure: `kinds` are the kinds of its inputs, then
 * -1 - (the number of outputs of f).
 */
export function newBuilt(program: ir.Program, kinds: readonly number[]): Built {
  const n = program.inputs.length;
  return {
    program,
    yCount: -1 - kinds[n]!,
    active: program.inputs.map((_, i) => kinds[i] === ir.InputKind.Active),
    compiled: undefined,
    plain: undefined,
    sightings: 0,
  };
}

function forY(b: Built): ir.Program {
  return { ...b.program, outputs: b.program.outputs.slice(0, b.yCount) };
}

/** What `stage` builds, or null when a rule cannot be staged (the engine then runs it on values). */
function staged<T>(stage: () => T): T | null {
  try {
    return stage();
  } catch (e) {
    if (e instanceof ir.NotStageableError) return null;
    throw e;
  }
}

/** The compiled runs, built on first use; null when the backward program cannot be staged. */
export function compiledOf(b: Built, codegen: boolean): CompiledRuns | null {
  if (b.compiled === undefined) b.compiled = stagedRuns(b, codegen);
  return b.compiled;
}

/**
 * The staging of `compiledOf` and `plainOf`, apart from them: a closure in their own body would
 * make every call allocate its context, built or not.
 */
function stagedRuns(b: Built, codegen: boolean): CompiledRuns | null {
  return staged(() => compileRuns(b, codegen));
}

/** Compiles the forward and backward runs of a structure. */
function compileRuns(b: Built, codegen: boolean): CompiledRuns {
  const backward = ir.backwardProgram(forY(b), b.active, true);
  const forward = ir.compile(
    { ...b.program, outputs: [...b.program.outputs, ...backward.residuals] },
    { codegen, fresh: b.yCount },
  );
  const backwardRun = ir.compile(backward.program, { codegen, fresh: backward.program.outputs.length });
  return { forward, backward, backwardRun };
}

/** The backward program for interpretation, built on first use; null when it cannot be staged. */
export function plainOf(b: Built): ir.Backward | null {
  if (b.plain === undefined) b.plain = stagedPlain(b);
  return b.plain;
}

/** (See `stagedRuns`.) */
function stagedPlain(b: Built): ir.Backward | null {
  return staged(() => ir.backwardProgram(forY(b), b.active, false));
}
