/**
 * One program out of a primal program and a transformation staged from it (a tangent or a
 * backward program): the transformation's equations follow the primal ones and read the primal
 * variables directly, so the compiler fuses both into the same loops — one pass over the data,
 * no residual stored and read back, no primal value computed twice.
 */
import type { Program } from './program.js';
import type { Staged } from './vjp.js';

/** A primal program and a staged transformation of it, as one program. */
export interface Composed {
  /** Inputs: the primal program's, then one per seed of the transformation (see `seeds`). */
  readonly program: Program;
  /** Per seed input, in order: the transformation's seed index. */
  readonly seeds: readonly number[];
  /** The transformation's outputs, as variables of the composed program. */
  readonly outputs: readonly number[];
}

/**
 * `p` followed by `t` (staged from `p`, every primal it reads a variable of `p`), with the
 * outputs `first`, then the transformation's outputs, then `last` (variables of `p`). Null when
 * an output of the transformation is a variable of `p` itself (it would be returned twice).
 */
export function compose(
  p: Program,
  t: Staged,
  first: readonly number[],
  last: readonly number[],
): Composed | null {
  const offset = p.shapes.length;
  const q = t.program;
  const map = new Int32Array(q.shapes.length);
  for (let u = 0; u < q.shapes.length; u++) map[u] = u + offset;
  const inputs = p.inputs.slice();
  const seeds: number[] = [];
  q.inputs.forEach((u, i) => {
    const s = t.sources[i]!;
    if (s.kind === 'primal') map[u] = s.v;
    else {
      inputs.push(u + offset);
      seeds.push(s.index);
    }
  });
  const outputs = q.outputs.map((u) => map[u]!);
  const taken = new Set<number>([...first, ...last]);
  for (const v of outputs) {
    if (v < offset || taken.has(v)) return null;
    taken.add(v);
  }
  const literals = new Map(p.literals);
  for (const [u, l] of q.literals) literals.set(u + offset, l);
  const eqns = p.eqns.slice();
  for (const e of q.eqns) {
    eqns.push({ prim: e.prim, args: e.args.map((a) => map[a]!), params: e.params, out: map[e.out]! });
  }
  return {
    program: {
      shapes: [...p.shapes, ...q.shapes],
      inputs,
      literals,
      eqns,
      outputs: [...first, ...outputs, ...last],
    },
    seeds,
    outputs,
  };
}
