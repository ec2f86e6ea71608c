/**
 * The interpreter: runs a program equation by equation with `bind`. On plain values each
 * equation runs its float64 kernel (the compiler's fallback where code cannot be generated);
 * on values of other traces each equation is handed to the innermost of them, which is how a
 * program runs under an outer differentiation.
 */
import type { Primitive, PrimitiveName } from '../primitive.js';
import { type Trace, Tracer, type Value, bind } from '../trace.js';
import { type Plain, plainData } from '../values.js';
import type { Program } from './program.js';

/**
 * Arrays the interpreter computed from plain values alone: no user code holds them, so a
 * recording that receives one as a constant need not copy it.
 */
const computedHere = new WeakSet<object>();

/** True for an array the interpreter computed (see `computedHere`). */
export function computedByInterpreter(v: object): boolean {
  return computedHere.has(v);
}

/** True when `out` holds the data of an argument (a reshape returns its argument's data). */
function sharesData(out: Plain, args: readonly Value[]): boolean {
  const d = plainData(out);
  for (const a of args)
    if (typeof a === 'object' && !(a instanceof Tracer) && plainData(a).buffer === d.buffer) return true;
  return false;
}

/** The one trace of the traced inputs when it can lift constants (see `Trace.lift`), else null. */
function liftingTrace(inputs: readonly Value[]): Trace | null {
  let trace: Trace | null = null;
  for (const a of inputs) {
    if (!(a instanceof Tracer)) continue;
    if (trace !== null && a.trace !== trace) return null;
    trace = a.trace;
  }
  return trace?.active && trace.lift !== undefined ? trace : null;
}

/**
 * The outputs of `p` for `inputs` (one value per program input, in order). When the traced
 * inputs all belong to one trace that can lift constants, the plain inputs are lifted into it
 * first: the whole program is then recorded by that trace, none of it computed here.
 */
export function interpret(p: Program, inputs: readonly Value[]): Value[] {
  const env = new Array<Value | undefined>(p.shapes.length);
  const lifting = liftingTrace(inputs);
  p.inputs.forEach((v, i) => {
    const a = inputs[i]!;
    env[v] = lifting !== null && !(a instanceof Tracer) ? lifting.lift!(a) : a;
  });
  for (const [v, l] of p.literals) env[v] = l;
  // Only outputs leave the interpreter, so only they are marked (marking every value costs a
  // weak-set entry per equation, which dominated long scalar programs).
  const isOutput = new Uint8Array(p.shapes.length);
  for (const v of p.outputs) isOutput[v] = 1;
  for (const e of p.eqns) {
    const n = e.args.length;
    const args = new Array<Value>(n);
    for (let k = 0; k < n; k++) args[k] = env[e.args[k]!]!;
    const out = bind(e.prim as Primitive<PrimitiveName>, args, e.params as never);
    if (
      isOutput[e.out] === 1 &&
      typeof out === 'object' &&
      !(out instanceof Tracer) &&
      !sharesData(out, args)
    )
      computedHere.add(out);
    env[e.out] = out;
  }
  return p.outputs.map((v) => env[v]!);
}
