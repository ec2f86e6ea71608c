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
  compiled: { forward: ir.Compiled; backward: ir.Backward; backwardRun: ir.Compiled } | null | undefined;
  /** For interpretation: the backward program reading every primal from the forward run. */
  plain: ir.Backward | null | undefined;
  /** Recordings of this structure seen so far. */
  sightings: number;
}

export function newBuilt(program: ir.Program, kinds: readonly number[], yCount: number): Built {
  return {
    program,
    yCount,
    active: kinds.map((k) => k === ir.InputKind.Active),
    compiled: undefined,
    plain: undefined,
    sightings: 0,
  };
}

function forY(b: Built): ir.Program {
  return { ...b.program, outputs: b.program.outputs.slice(0, b.yCount) };
}

/** The compiled runs, built on first use; null when the backward program cannot be staged. */
export function compiledOf(b: Built, codegen: boolean): Built['compiled'] {
  if (b.compiled !== undefined) return b.compiled;
  try {
    const backward = ir.backwardProgram(forY(b), b.active, true);
    const forward = ir.compile(
      { ...b.program, outputs: [...b.program.outputs, ...backward.residuals] },
      { codegen, fresh: b.yCount },
    );
    const backwardRun = ir.compile(backward.program, { codegen, fresh: backward.program.outputs.length });
    b.compiled = { forward, backward, backwardRun };
  } catch (e) {
    if (!(e instanceof ir.NotStageableError)) throw e;
    b.compiled = null;
  }
  return b.compiled;
}

/** The backward program for interpretation, built on first use; null when it cannot be staged. */
export function plainOf(b: Built): ir.Backward | null {
  if (b.plain !== undefined) return b.plain;
  try {
    b.plain = ir.backwardProgram(forY(b), b.active, false);
  } catch (e) {
    if (!(e instanceof ir.NotStageableError)) throw e;
    b.plain = null;
  }
  return b.plain;
}
