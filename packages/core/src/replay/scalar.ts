/**
 * Straight-line scalar programs (scalar code recorded op by op: an element loop through a
 * buffer) as generated JavaScript over one `Float64Array` of variables. The fused compiler
 * makes one function of a program, which for tens of thousands of scalar equations is too
 * large for the JS engine to optimise; here the equations are cut into functions of a few
 * hundred statements each, which it optimises one by one.
 */
import { codegenAvailable } from '../ir/compile.js';
import { literalText } from '../ir/codegen.js';
import { elementwise } from '../ir/lowering.js';
import type { Program } from '../ir/program.js';

/** Statements per generated function. */
const chunk = 500;

/** True when every variable of `p` is a scalar and every equation an elementwise op the compiler lowers. */
export function isScalarProgram(p: Program): boolean {
  for (const s of p.shapes) if (s.length !== 0) return false;
  for (const l of p.literals.values()) if (typeof l !== 'number') return false;
  for (const e of p.eqns) if (elementwise[e.prim.name] === undefined) return false;
  return true;
}

/**
 * Runs the equations of a scalar program on `V` (indexed by variable; the caller has put the
 * inputs in place, and reads the outputs from it), or null where code cannot be generated.
 */
export function compileScalar(p: Program): ((V: Float64Array) => void) | null {
  if (!codegenAvailable()) return null;
  const text = (v: number): string => {
    const l = p.literals.get(v);
    return l === undefined ? `V[${v}]` : literalText(l as number);
  };
  const parts: ((V: Float64Array) => void)[] = [];
  for (let start = 0; start < p.eqns.length; start += chunk) {
    const lines: string[] = [];
    const end = Math.min(p.eqns.length, start + chunk);
    for (let j = start; j < end; j++) {
      const e = p.eqns[j]!;
      const lower = elementwise[e.prim.name]!;
      const a = e.args.map(text);
      lines.push(`V[${e.out}] = ${lower(a[0] ?? '', a[1] ?? '', a[2] ?? '')};`);
    }
    try {
      parts.push(new Function('V', `"use strict";\n${lines.join('\n')}`) as (V: Float64Array) => void);
    } catch {
      return null;
    }
  }
  return (V) => {
    for (let i = 0; i < parts.length; i++) parts[i]!(V);
  };
}
