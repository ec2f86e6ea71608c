/**
 * Code generation: a scheduled program becomes one JavaScript function. Each loop step is one
 * `for` loop whose body computes every fused element with local variables; stored values go to
 * arrays of the arena (allocated once per compiled program and reused by every run); kernel
 * steps call the primitive's float64 kernel.
 */
import type { Primitive, PrimitiveName } from '../primitive.js';
import { NDArray, type Plain, type Shape, sizeOf } from '../values.js';
import { elementwise } from './lowering.js';
import type { Program } from './program.js';
import { arenaKernel } from './products.js';
import type { Access, Schedule } from './schedule.js';

/** What a run stores for a variable: a number for a scalar, the data otherwise. */
export type Raw = number | Float64Array;

export function raw(v: Plain): Raw {
  return typeof v === 'number' || v instanceof Float64Array ? v : v.data;
}

export function wrap(d: Raw, shape: Shape): Plain {
  if (shape.length === 0) return typeof d === 'number' ? d : d[0]!;
  if (typeof d === 'number') d = Float64Array.of(d);
  return shape.length === 1 ? d : new NDArray(d, shape);
}

export function literalText(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '(-Infinity)';
  if (Object.is(x, -0)) return '(-0)';
  return x < 0 ? `(${x})` : String(x);
}

export interface Generated {
  /** The body of `function (inputs)` over `A, L, K, raw, wrap, S, O`, returning the output values in O. */
  readonly source: string;
  /** Arena arrays to allocate: their sizes, by index. */
  readonly arena: readonly number[];
  /** Array literals, by index. */
  readonly literals: readonly Float64Array[];
  /** Kernel calls, by index: raw arguments in, raw result out. */
  readonly kernels: readonly ((...args: Raw[]) => Raw)[];
}

/**
 * `fresh`: how many leading outputs must be arrays of their own (the caller keeps them past the
 * next run); they are allocated per run instead of living in the arena.
 */
export function generate(p: Program, sched: Schedule, fresh = 0): Generated {
  const { steps, access, stored, accumulated } = sched;
  const nv = p.shapes.length;
  const stepOf = new Int32Array(nv).fill(-1);
  steps.forEach((st, s) => {
    if (st.kind === 'kernel') stepOf[p.eqns[st.eqn]!.out] = s;
    else for (const j of st.eqns) stepOf[p.eqns[j]!.out] = s;
  });
  const lines: string[] = [];
  const arena: number[] = [];
  const literals: Float64Array[] = [];
  const kernels: ((...args: Raw[]) => Raw)[] = [];
  const scalar = (v: number) => p.shapes[v]!.length === 0;
  /** A finite non-zero number literal: multiplying by it needs no strong zero (mulNoNan is mul). */
  const finiteNonZero = (v: number) => {
    const l = p.literals.get(v);
    return typeof l === 'number' && Number.isFinite(l) && l !== 0;
  };
  const isFresh = new Uint8Array(nv);
  for (let i = 0; i < fresh && i < p.outputs.length; i++) isFresh[p.outputs[i]!] = 1;
  /** Storage for a stored array: an array of its own per run for a fresh output (`F`: a zeroed spare or a new array, see ownership.ts), else an arena array. */
  const storage = (v: number): string => {
    const n = sizeOf(p.shapes[v]!);
    if (isFresh[v]) return `F(${n})`;
    arena.push(n);
    return `A[${arena.length - 1}]`;
  };
  /** The expression of a stored, input or literal variable as a whole (number or array). */
  const name = new Array<string>(nv);
  p.inputs.forEach((v, i) => {
    name[v] = `d${v}`;
    lines.push(`const d${v} = raw(inputs[${i}]);`);
  });
  for (const [v, l] of p.literals) {
    if (typeof l === 'number') name[v] = literalText(l);
    else {
      name[v] = `L[${literals.length}]`;
      literals.push(raw(l) as Float64Array);
    }
  }
  for (let v = 0; v < nv; v++) {
    if (name[v] === undefined && stored[v]) {
      name[v] = `d${v}`;
      lines.push(`let d${v} = 0;`);
    }
  }
  const read = (a: number, acc: Access, s: number, hoisted: Map<number, string>): string => {
    if (stepOf[a] === s && !(stored[a] && acc.kind !== 'full')) return `t${a}`;
    const whole = name[a]!;
    if (scalar(a) || (p.literals.has(a) && typeof p.literals.get(a) === 'number')) return whole;
    switch (acc.kind) {
      case 'full':
        return sizeOf(p.shapes[a]!) === 1 ? hoist(a, hoisted) : `${whole}[i]`;
      case 'scalar':
        return hoist(a, hoisted);
      case 'offset':
        return acc.offset === 0 ? `${whole}[i]` : `${whole}[i + ${acc.offset}]`;
      case 'pad':
        return `(i >= ${acc.lo} && i < ${acc.hi} ? ${whole}[i - ${acc.lo}] : 0)`;
      case 'mod':
        return `${whole}[i % ${acc.period}]`;
    }
  };
  const hoist = (a: number, hoisted: Map<number, string>): string => {
    let h = hoisted.get(a);
    if (h === undefined) {
      h = `h${a}`;
      hoisted.set(a, h);
    }
    return h;
  };
  steps.forEach((st, s) => {
    for (const a of accumulated.list) {
      if (a.first !== s) continue;
      // Elements every term covers start at -0 (so that -0 + t is t), the others at +0.
      const d = `d${a.out}`;
      lines.push(`${d} = ${storage(a.out)};`);
      if (!isFresh[a.out]) lines.push(`${d}.fill(0);`);
      if (a.lo < a.hi) lines.push(`${d}.fill(-0, ${a.lo}, ${a.hi});`);
    }
    if (st.kind === 'kernel') {
      const e = p.eqns[st.eqn]!;
      const prim = e.prim as Primitive<PrimitiveName>;
      const shapes = e.args.map((a) => p.shapes[a]!);
      const params = e.params as never;
      const into = scalar(e.out) ? undefined : arenaKernel(e);
      if (into !== undefined) {
        const out = storage(e.out);
        kernels.push((...args: Raw[]) => {
          const o = args.pop() as Float64Array;
          into(o, args, shapes, params);
          return o;
        });
        const call = [...e.args.map((a) => name[a]), out].join(', ');
        lines.push(`d${e.out} = K[${kernels.length - 1}](${call});`);
        return;
      }
      kernels.push((...args: Raw[]) =>
        raw(
          prim.impl(
            args.map((d, k) => wrap(d, shapes[k]!)),
            params,
          ),
        ),
      );
      lines.push(`d${e.out} = K[${kernels.length - 1}](${e.args.map((a) => name[a]).join(', ')});`);
      return;
    }
    const hoisted = new Map<number, string>();
    const body: string[] = [];
    const after: string[] = [];
    const before: string[] = [];
    for (const j of st.eqns) {
      const e = p.eqns[j]!;
      const acc = access[j]!;
      const args = e.args.map((a, k) => read(a, acc[k]!, s, hoisted));
      const out = e.out;
      const pname = e.prim.name;
      if (pname === 'sum') {
        before.push(`let t${out} = 0;`);
        body.push(`t${out} += ${args[0]};`);
        after.push(`d${out} = t${out};`);
        continue;
      }
      const lower = pname === 'mulNoNan' && e.args.some(finiteNonZero) ? elementwise.mul : elementwise[pname];
      const expr = lower !== undefined ? lower(args[0]!, args[1] ?? '', args[2] ?? '') : args[0]!;
      body.push(`const t${out} = ${expr};`);
      for (const c of accumulated.contributions.get(out) ?? []) {
        body.push(`d${c.into}[${c.offset === 0 ? 'i' : `i + ${c.offset}`}] += t${out};`);
      }
      if (!stored[out]) continue;
      if (scalar(out)) body.push(`d${out} = t${out};`);
      else {
        lines.push(`d${out} = ${storage(out)};`);
        body.push(`d${out}[i] = t${out};`);
      }
    }
    if (st.eqns.length === 0) return;
    for (const [a, h] of hoisted) before.push(`const ${h} = ${name[a]}[0];`);
    // Appended one by one: a spread of a long body would overflow the stack.
    lines.push(`{`);
    for (const l of before) lines.push(l);
    lines.push(`for (let i = 0; i < ${st.size}; i++) {`);
    for (const l of body) lines.push(l);
    lines.push(`}`);
    for (const l of after) lines.push(l);
    lines.push(`}`);
  });
  const made = new Uint8Array(nv);
  for (const e of p.eqns) made[e.out] = 1;
  const outs = p.outputs.map((v, i) => {
    const whole = name[v] ?? `d${v}`;
    // An input or a literal returned as a fresh output is copied.
    const own = i < fresh && !made[v] && !scalar(v) ? `${whole}.slice()` : whole;
    return `wrap(${own}, S[${v}])`;
  });
  // The list of outputs is the compiled program's own (O), like its arena: no array per run.
  outs.forEach((o, i) => lines.push(`O[${i}] = ${o};`));
  lines.push('return O;');
  return { source: lines.join('\n'), arena, literals, kernels };
}
