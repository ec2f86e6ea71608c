/**
 * The interpreter: runs a program equation by equation with `bind`. On plain values each
 * equation runs its float64 kernel (the compiler's fallback where code cannot be generated);
 * on values of other traces each equation is handed to the innermost of them, which is how a
 * program runs under an outer differentiation.
 */
import type { Primitive, PrimitiveName } from '../primitive.js';
import { type Value, bind } from '../trace.js';
import type { Program } from './program.js';

/** The outputs of `p` for `inputs` (one value per program input, in order). */
export function interpret(p: Program, inputs: readonly Value[]): Value[] {
  const env = new Array<Value | undefined>(p.shapes.length);
  p.inputs.forEach((v, i) => {
    env[v] = inputs[i];
  });
  for (const [v, l] of p.literals) env[v] = l;
  for (const e of p.eqns) {
    const args = e.args.map((a) => env[a]!);
    env[e.out] = bind(e.prim as Primitive<PrimitiveName>, args, e.params as never);
  }
  return p.outputs.map((v) => env[v]!);
}
