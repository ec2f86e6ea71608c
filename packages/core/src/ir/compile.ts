/**
 * The compiler: a program becomes a function of plain inputs, fused and generated as JavaScript
 * (see schedule.ts and codegen.ts), or — where code cannot be generated (a strict
 * Content-Security-Policy forbids `new Function`) or when asked — the interpreter. Both compute
 * the same numbers as the eager kernels.
 */
import { type Plain, fromData, plainData, plainShape } from '../values.js';
import { type Raw, generate, raw, wrap } from './codegen.js';
import { interpret } from './interpret.js';
import { freshArray } from '../ownership.js';
import { readTransposesInPlace } from './products.js';
import type { Program } from './program.js';
import { schedule, withoutDeadCode } from './schedule.js';

/** A program ready to run: generated code, or the interpreter where code cannot be generated. */
export interface Compiled {
  /**
   * The outputs for plain inputs. Array outputs may live in the compiled program's arena, and
   * the list itself may be the compiled program's own: both are valid until its next run, so a
   * caller copies what it keeps (the `fresh` outputs are arrays of their own, the caller's).
   */
  run(inputs: readonly Plain[]): Plain[];
  /** True when the program runs as generated code, false when it is interpreted. */
  readonly generated: boolean;
  /** The generated source (empty when interpreted), for tests and diagnostics. */
  readonly source: string;
}

/** Options of `compile`. */
export interface CompileOptions {
  /** Generate code (default). False: always interpret. */
  readonly codegen?: boolean;
  /**
   * How many leading outputs are the caller's to keep: allocated per run (or copied, for an
   * input) instead of living in the arena, which the next run overwrites.
   */
  readonly fresh?: number;
}

/** Programs longer than this are interpreted. */
export const maxGeneratedEquations = 200_000;

/**
 * Generated functions of programs longer than this may need more stack than a run has (each
 * value a loop keeps is a local of one function): their runs fall back to the interpreter, for
 * good, if one overflows the stack. Nothing of a run is visible before it returns, so the retry
 * computes the same outputs.
 */
const guardedEquations = 20_000;

let codegenWorks: boolean | null = null;

/** Whether `new Function` is allowed here (it is not under a strict Content-Security-Policy). */
export function codegenAvailable(): boolean {
  if (codegenWorks === null) {
    try {
      codegenWorks = new Function('return 1')() === 1;
    } catch {
      codegenWorks = false;
    }
  }
  return codegenWorks;
}

function interpreted(p: Program, fresh: number): Compiled {
  return {
    run: (inputs) => {
      const out = interpret(p, inputs) as Plain[];
      // A kernel's result may share memory with its argument (a reshape does): copied.
      for (let i = 0; i < fresh && i < out.length; i++) {
        const v = out[i]!;
        if (typeof v !== 'number') out[i] = fromData(plainData(v).slice(), plainShape(v));
      }
      return out;
    },
    generated: false,
    source: '',
  };
}

/** Compiles a program: fused loops as generated code, or an interpreter (strict CSP, codegen off). */
export function compile(program: Program, options: CompileOptions = {}): Compiled {
  const fresh = options.fresh ?? 0;
  // A very long program (scalar code recorded op by op) makes a function too large for the JS
  // engine to optimise: the interpreter runs it as fast.
  const tooLong = program.eqns.length > maxGeneratedEquations;
  if (options.codegen === false || tooLong || !codegenAvailable()) {
    return interpreted(withoutDeadCode(program), fresh);
  }
  const p = withoutDeadCode(readTransposesInPlace(program));
  const g = generate(p, schedule(p), fresh);
  let factory: (...a: unknown[]) => (inputs: readonly Plain[]) => Plain[];
  try {
    factory = new Function(
      'A',
      'L',
      'K',
      'raw',
      'wrap',
      'S',
      'O',
      'F',
      `"use strict";\nreturn function run(inputs) {\n${g.source}\n};`,
    ) as typeof factory;
  } catch {
    return interpreted(p, fresh);
  }
  const arena = g.arena.map((n) => new Float64Array(n));
  const outputs = new Array<Plain>(p.outputs.length).fill(0);
  const generated = factory(arena, g.literals, g.kernels, raw, wrap, p.shapes, outputs, freshArray) as (
    inputs: readonly Plain[],
  ) => Plain[];
  if (p.eqns.length <= guardedEquations) return { run: generated, generated: true, source: g.source };
  let fallback: Compiled | null = null;
  const run = (inputs: readonly Plain[]): Plain[] => {
    if (fallback === null) {
      try {
        return generated(inputs);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
        fallback = interpreted(p, fresh);
      }
    }
    return fallback.run(inputs);
  };
  return {
    run,
    get generated() {
      return fallback === null;
    },
    source: g.source,
  };
}

export type { Raw };
