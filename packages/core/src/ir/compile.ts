/**
 * The compiler: a program becomes a function of plain inputs, fused and generated as JavaScript
 * (see schedule.ts and codegen.ts), or — where code cannot be generated (a strict
 * Content-Security-Policy forbids `new Function`) or when asked — the interpreter. Both compute
 * the same numbers as the eager kernels.
 */
import type { Plain } from '../values.js';
import { type Raw, generate, raw, wrap } from './codegen.js';
import { interpret } from './interpret.js';
import type { Program } from './program.js';
import { schedule, withoutDeadCode } from './schedule.js';

/** A program ready to run: generated code, or the interpreter where code cannot be generated. */
export interface Compiled {
  /**
   * The outputs for plain inputs. Array outputs may live in the compiled program's arena: they
   * are valid until its next run, so a caller copies what it keeps.
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
}

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

function interpreted(p: Program): Compiled {
  return {
    run: (inputs) => interpret(p, inputs) as Plain[],
    generated: false,
    source: '',
  };
}

/** Compiles a program: fused loops as generated code, or an interpreter (strict CSP, codegen off). */
export function compile(program: Program, options: CompileOptions = {}): Compiled {
  const p = withoutDeadCode(program);
  if (options.codegen === false || !codegenAvailable()) return interpreted(p);
  const g = generate(p, schedule(p));
  let factory: (...a: unknown[]) => (inputs: readonly Plain[]) => Plain[];
  try {
    factory = new Function(
      'A',
      'L',
      'K',
      'raw',
      'wrap',
      'S',
      `"use strict";\nreturn function run(inputs) {\n${g.source}\n};`,
    ) as typeof factory;
  } catch {
    return interpreted(p);
  }
  const arena = g.arena.map((n) => new Float64Array(n));
  const run = factory(arena, g.literals, g.kernels, raw, wrap, p.shapes) as (
    inputs: readonly Plain[],
  ) => Plain[];
  return { run, generated: true, source: g.source };
}

export type { Raw };
