/**
 * Straight-line scalar programs (scalar code recorded op by op: an element loop through a
 * buffer) run by one generated loop over an instruction array: each instruction an opcode, its
 * output and its arguments, all indices into one `Float64Array` of variables (literals are put
 * in place once). Generating the equations as straight-line code instead would make a function
 * the JS engine runs once per call and so never optimises; the loop is hot after one call.
 */
import { codegenAvailable } from '../ir/compile.js';
import { elementwise } from '../ir/lowering.js';
import type { Eqn, Program } from '../ir/program.js';
import type { Staged } from '../ir/vjp.js';
import type { PrimitiveName } from '../primitive.js';

/** True when every variable of `p` is a scalar and every equation an elementwise op the compiler lowers. */
export function isScalarProgram(p: Program): boolean {
  for (const s of p.shapes) if (s.length !== 0) return false;
  for (const l of p.literals.values()) if (typeof l !== 'number') return false;
  for (const e of p.eqns) if (elementwise[e.prim.name] === undefined || e.args.length > 3) return false;
  return true;
}

/** Fields per instruction: opcode, output, three arguments. */
const width = 5;

type Loop = (V: Float64Array, code: Int32Array, n: number) => void;

/** The loop for a set of primitives (opcode = index in `names`), generated once per set. */
const loops = new Map<string, Loop>();

function loopFor(names: readonly PrimitiveName[]): Loop | null {
  const key = names.join(',');
  const have = loops.get(key);
  if (have !== undefined) return have;
  const cases = names.map(
    (name, k) => `case ${k}: V[code[q + 1]] = ${elementwise[name]!('a', 'b', 'c')}; break;`,
  );
  const source = `"use strict";
for (let j = 0, q = 0; j < n; j++, q += ${width}) {
  const a = V[code[q + 2]], b = V[code[q + 3]], c = V[code[q + 4]];
  switch (code[q]) {
    ${cases.join('\n    ')}
  }
}`;
  try {
    const loop = new Function('V', 'code', 'n', source) as Loop;
    loops.set(key, loop);
    return loop;
  } catch {
    return null;
  }
}

/**
 * A scalar program and the derivative program staged from it, as one instruction array over
 * one variable array: the derivative's inputs are the primal variables they read (and the
 * seeds, ones), so nothing is copied between the two. Null where code cannot be generated.
 */
export function compileScalar(
  p: Program,
  d: Staged,
): { readonly V: Float64Array; readonly run: () => void; readonly outputs: Int32Array } | null {
  if (!codegenAvailable()) return null;
  const np = p.shapes.length;
  const V = new Float64Array(np + d.program.shapes.length + 1);
  for (const [v, l] of p.literals) V[v] = l as number;
  /** Where each variable of the derivative program lives in V. */
  const at = new Int32Array(d.program.shapes.length);
  for (let u = 0; u < at.length; u++) at[u] = np + u;
  d.program.inputs.forEach((u, i) => {
    const s = d.sources[i]!;
    if (s.kind === 'primal') at[u] = s.v;
    else V[np + u] = 1;
  });
  for (const [u, l] of d.program.literals) V[at[u]!] = l as number;
  const names: PrimitiveName[] = [];
  const opcode = new Map<PrimitiveName, number>();
  const n = p.eqns.length + d.program.eqns.length;
  const code = new Int32Array(width * n);
  let j = 0;
  const emit = (e: Eqn, place: (v: number) => number) => {
    let op = opcode.get(e.prim.name);
    if (op === undefined) {
      op = names.length;
      names.push(e.prim.name);
      opcode.set(e.prim.name, op);
    }
    const q = width * j++;
    code[q] = op;
    code[q + 1] = place(e.out);
    for (let k = 0; k < 3; k++) code[q + 2 + k] = k < e.args.length ? place(e.args[k]!) : 0;
  };
  for (const e of p.eqns) emit(e, (v) => v);
  for (const e of d.program.eqns) emit(e, (u) => at[u]!);
  const loop = loopFor(names);
  if (loop === null) return null;
  return { V, run: () => loop(V, code, n), outputs: Int32Array.from(d.program.outputs, (u) => at[u]!) };
}
