/**
 * The tape: a reverse-mode engine on the IR. f runs on every call; its array ops are recorded
 * as a program (scalar ops as partials, see trace.ts). At the end the program is matched by
 * structure against what this preparation compiled before, and runs as fused generated code:
 * the forward program, then for each cotangent the backward program that the primitives' VJP
 * rules wrote. A recording that touched values of an outer differentiation, or whose values
 * were read before the end, is interpreted instead, op by op with `bind`, so an outer trace
 * differentiates it. Adjoints live in per-call arrays, so nothing accumulates across calls.
 */
import {
  type BatchResult,
  type Engine,
  type LeafFn,
  type PrepKey,
  type Primitive,
  type PrimitiveName,
  Tracer,
  type Value,
  handOver,
  ir,
} from '@diffint/core/engine';
import * as m from '@diffint/core/math';
import { type Columns, largeRegion, region } from './memory.js';
import { type Built, type CompiledRuns, compiledOf, newBuilt, plainOf } from './programs.js';
import { TapeTrace, TapeTracer } from './trace.js';

/** How the recorded program of one call was run. */
interface Run {
  readonly built: Built;
  /** The compiled runs it ran as, or null (interpreted). */
  readonly compiled: CompiledRuns | null;
  /** Per output of f: its position among the program's outputs, or -1 (a scalar slot or a constant). */
  readonly yAt: readonly number[];
}

/**
 * The lists one call works in, kept by its preparation for the next: a steady call allocates
 * none of them. Taken while in use, so a nested call of the same preparation (f calling it)
 * makes its own; nothing in them outlives the call (`release` drops every value).
 */
class Workspace {
  readonly recording = new ir.Recording();
  /** The program's outputs: f's, then what buffers hold. */
  readonly outputs: number[] = [];
  /** `yAt` of the call's `Run`. */
  readonly yAt: number[] = [];
  /** The structure's extra integers: the input kinds, then -1 - (the number of outputs of f). */
  readonly ints: number[] = [];
  /** Per program output of f: its seed; and the inputs of the backward program. */
  readonly seeds: Value[] = [];
  readonly sources: Value[] = [];
  /** The adjoints of the program's inputs (read into the call's result lists). */
  readonly adjoints: (Value | undefined)[] = [];

  /** Drops every value the call left, keeping the lists' memory. */
  release(): void {
    this.recording.clear();
    const { seeds, sources, adjoints } = this;
    for (let i = 0; i < seeds.length; i++) seeds[i] = 0;
    for (let i = 0; i < sources.length; i++) sources[i] = 0;
    for (let i = 0; i < adjoints.length; i++) adjoints[i] = undefined;
  }
}

/** Sets a reused list's length: only when it changes (setting it is a call into the runtime even then). */
function resize(list: unknown[], n: number): void {
  if (list.length !== n) list.length = n;
}

/** What a preparation's last recording leaves for its next one. */
interface Previous {
  /** Its scalar slots: the next recording allocates its columns once. */
  slots: number;
  /** Its program, which the next recording follows while it records the same (see `ir.Recording`). */
  program: ir.Program | null;
  /** Its scalar columns, once it is done with them (a long recording's take memory of their own). */
  columns: Columns | null;
  /** Memory for the adjoints of a long recording's scalar slots, reused by the next backward pass. */
  adjoints: ArrayBuffer | null;
  /** The lists of a call, while no call of the preparation uses them. */
  workspace: Workspace | null;
}

/**
 * Zeroed memory for the scalar adjoints of one backward pass: a region of a shared block for a
 * small recording, else the preparation's own memory, reused from call to call (allocating and
 * faulting in fresh memory for a long recording costs more than clearing it). A backward pass
 * runs no user code, so nothing else uses that memory while it runs.
 */
function adjointMemory(prev: Previous, bytes: number): { readonly memory: ArrayBuffer; readonly at: number } {
  if (bytes <= largeRegion) return region(bytes);
  let memory = prev.adjoints;
  if (memory === null || memory.byteLength < bytes) {
    memory = new ArrayBuffer(bytes);
    prev.adjoints = memory;
  } else new Uint8Array(memory, 0, bytes).fill(0);
  return { memory, at: 0 };
}

/** Options of `tape()`. */
export interface TapeOptions {
  /**
   * Generate JavaScript for recorded programs (default true). False runs them with the
   * interpreter, which needs no code generation; it is also chosen by itself where
   * `new Function` is forbidden (a strict Content-Security-Policy).
   */
  readonly codegen?: boolean;
}

/** The engine `tape()` returns: reverse mode in float64, by linearising and transposing f's program. */
export interface TapeEngine extends Engine {
  readonly name: 'tape';
  /** Records in the tape of the most recent differentiation (for tests and diagnostics). */
  readonly lastTapeLength: number;
  /** Whether the most recent differentiation ran compiled code (for tests and diagnostics). */
  readonly lastRunCompiled: boolean;
}

/** Runs the recorded program for the outputs of f and the values buffers hold. */
function complete(
  ws: Workspace,
  trace: TapeTrace,
  ys: readonly Value[],
  cache: ir.ProgramCache<Built>,
  codegen: boolean,
): Run | null {
  const rec = trace.recording;
  if (rec.inputCount === 0) return null;
  // The lists keep their length from call to call (emptying one would free its memory).
  const outputs = ws.outputs;
  const yAt = ws.yAt;
  resize(yAt, ys.length);
  let yCount = 0;
  for (let j = 0; j < ys.length; j++) {
    const y = ys[j];
    yAt[j] = y instanceof TapeTracer && y.trace === trace && y.v >= 0 ? yCount++ : -1;
  }
  resize(outputs, yCount);
  for (let j = 0; j < ys.length; j++) if (yAt[j]! >= 0) outputs[yAt[j]!] = (ys[j] as TapeTracer).v;
  if (trace.buffers.size > 0) {
    const held: Tracer[] = [];
    for (const b of trace.buffers) b.heldBy(trace, held);
    for (const t of held) if ((t as TapeTracer).v >= 0) outputs.push((t as TapeTracer).v);
  }
  const program = rec.finish(outputs);
  const ints = ws.ints;
  const kinds = rec.kinds;
  resize(ints, kinds.length + 1);
  for (let i = 0; i < kinds.length; i++) ints[i] = kinds[i]!;
  ints[kinds.length] = -1 - yCount;
  const built = cache.get(program, ints);
  // A structure is compiled on its second sighting: a one-off costs no code generation.
  if (!rec.early && !rec.foreign && ++built.sightings >= 2) {
    const c = compiledOf(built, codegen);
    if (c !== null) {
      // The forward run returns the outputs, then the residuals.
      const values = c.forward.run(rec.inputValues as never);
      rec.setValues(outputs, values);
      rec.setValues(c.backward.residuals, values, outputs.length);
      return { built, compiled: c, yAt };
    }
  }
  rec.runAll();
  return { built, compiled: null, yAt };
}

/**
 * The adjoints of the program's active inputs (in input order, undefined for the others) for
 * one cotangent of f's outputs, in the workspace's list.
 */
function programAdjoints(
  ws: Workspace,
  trace: TapeTrace,
  run: Run,
  cotangent: readonly Value[],
): readonly (Value | undefined)[] {
  const { built, yAt } = run;
  // The outputs of f that are program outputs come first among those, in order.
  const seedOf = ws.seeds;
  resize(seedOf, built.yCount);
  // A traced seed (an outer differentiation's) must be differentiated too: interpreted.
  let traced = false;
  for (let j = 0; j < cotangent.length; j++) {
    const at = yAt[j]!;
    if (at < 0) continue;
    const s = cotangent[j]!;
    seedOf[at] = s;
    if (s instanceof Tracer) traced = true;
  }
  const rec = trace.recording;
  const compiled = traced ? null : run.compiled;
  const bw = compiled?.backward ?? plainOf(built);
  if (bw === null) return eagerAdjoints(trace, built, seedOf);
  const sources = bw.sources;
  const inputs = ws.sources;
  resize(inputs, sources.length);
  for (let i = 0; i < sources.length; i++) {
    const s = sources[i]!;
    inputs[i] = s.kind === 'seed' ? seedOf[s.index]! : (rec.values[s.v] ?? rec.valueOf(s.v));
  }
  const out =
    compiled !== null ? compiled.backwardRun.run(inputs as never) : ir.interpret(bw.program, inputs);
  const active = built.active;
  const adjoints = ws.adjoints;
  resize(adjoints, active.length);
  let k = 0;
  for (let i = 0; i < active.length; i++) {
    if (!active[i]) {
      adjoints[i] = undefined;
      continue;
    }
    const g = out[k++]!;
    // Compiled outputs are fresh arrays (see `fresh` in compiledOf): the caller's to keep.
    // An interpreted one may share memory with a seed or a primal (a reshape does).
    adjoints[i] = compiled !== null ? handOver(g as never) : g;
  }
  return adjoints;
}

/** The VJP rules run on values, for a program whose backward program cannot be staged. */
function eagerAdjoints(trace: TapeTrace, built: Built, seedOf: readonly Value[]): (Value | undefined)[] {
  const p = built.program;
  const rec = trace.recording;
  rec.runAll();
  const ct = new ir.Adjoints(p.shapes.length);
  const active = ir.activity(p, built.active);
  for (let i = 0; i < built.yCount; i++) {
    const y = p.outputs[i]!;
    if (active[y]) ct.add(y, seedOf[i]!);
  }
  for (let j = p.eqns.length - 1; j >= 0; j--) {
    const e = p.eqns[j]!;
    // Only an active variable gets an adjoint, so some argument of e is active.
    if (!ct.has(e.out)) continue;
    const needs = e.args.map((a) => active[a] === 1);
    const prim = e.prim as Primitive<PrimitiveName>;
    const primals = () => e.args.map((a) => rec.values[a]!);
    ct.pass(prim, e.out, e.args, p.shapes, e.params, needs, primals, () => rec.values[e.out]!);
  }
  return p.inputs.map((v, i) => (built.active[i] ? ct.get(v, p.shapes[v]!) : undefined));
}

/**
 * The adjoints of the inputs for one cotangent: the program's backward run, then the scalar
 * records in reverse. A scalar slot keeps a plain adjoint unboxed in `sadj`; anything else
 * (a value of an outer differentiation) is kept in a map. Both may hold part of one adjoint.
 * (The scalar part is a function of its own: its closures would make every call allocate their
 * context, array code included.)
 */
function backward(
  prev: Previous,
  ws: Workspace,
  trace: TapeTrace,
  inputs: readonly TapeTracer[],
  ys: readonly Value[],
  cotangent: readonly Value[],
  run: Run | null,
): Value[] {
  // Without a program (scalar code only) there are no program adjoints.
  const padj = run === null ? noAdjoints : programAdjoints(ws, trace, run, cotangent);
  const n = trace.slots;
  // Array code only: the program's adjoints are the inputs' adjoints.
  if (n === 0) {
    const gs = new Array<Value>(inputs.length);
    for (let i = 0; i < inputs.length; i++) {
      const x = inputs[i]!;
      gs[i] = padj[trace.inputIndex(x)] ?? m.zeros(x.shape);
    }
    return gs;
  }
  return scalarBackward(prev, trace, inputs, ys, cotangent, padj);
}

/** The adjoints of the inputs when f recorded scalar slots (see `backward`). */
function scalarBackward(
  prev: Previous,
  trace: TapeTrace,
  inputs: readonly TapeTracer[],
  ys: readonly Value[],
  cotangent: readonly Value[],
  padj: readonly (Value | undefined)[],
): Value[] {
  const n = trace.slots;
  const { isRecord, arg0, arg1, d0, d1 } = trace.columns;
  const { memory, at } = adjointMemory(prev, 9 * n);
  const sadj = new Float64Array(memory, at, n);
  const held = new Uint8Array(memory, at + 8 * n, n);
  const adj = new Map<number, Value>();
  const accumulate = (s: number, g: Value) => {
    if (typeof g === 'number') {
      sadj[s] = sadj[s]! + g;
      held[s]! |= 1;
    } else {
      const prev = adj.get(s);
      adj.set(s, prev === undefined ? g : m.add(prev, g));
      held[s]! |= 2;
    }
  };
  const adjointOf = (s: number): Value | undefined => {
    const h = held[s]!;
    if (h === 0) return undefined;
    if (h === 1) return sadj[s]!;
    const boxed = adj.get(s)!;
    return h === 2 ? boxed : m.add(boxed, sadj[s]!);
  };
  ys.forEach((y, j) => {
    if (y instanceof TapeTracer && y.trace === trace && y.slot >= 0) accumulate(y.slot, cotangent[j]!);
  });
  for (const { input, slot } of trace.slotInputs) {
    const g = padj[input];
    if (g !== undefined) accumulate(slot, g);
  }
  for (let s = n - 1; s >= 0; s--) {
    if (isRecord[s] === 0) continue;
    const h = held[s]!;
    if (h === 0) continue;
    const i0 = arg0[s]!;
    const i1 = arg1[s]!;
    if (h === 1) {
      // Products with a strong zero: a zero adjoint or partial contributes exactly zero.
      const g = sadj[s]!;
      if (i0 >= 0) {
        const d = d0[s]!;
        const p = g * d;
        sadj[i0] = sadj[i0]! + (!Number.isNaN(p) || (g !== 0 && d !== 0) ? p : 0);
        held[i0]! |= 1;
      }
      if (i1 >= 0) {
        const d = d1[s]!;
        const p = g * d;
        sadj[i1] = sadj[i1]! + (!Number.isNaN(p) || (g !== 0 && d !== 0) ? p : 0);
        held[i1]! |= 1;
      }
    } else {
      const g = adjointOf(s)!;
      if (i0 >= 0) accumulate(i0, m.mulNoNan(g, d0[s]!));
      if (i1 >= 0) accumulate(i1, m.mulNoNan(g, d1[s]!));
    }
  }
  return inputs.map((x) => {
    const g = x.slot >= 0 ? adjointOf(x.slot) : padj[trace.inputIndex(x)];
    return g === undefined ? m.zeros(x.shape) : g;
  });
}

const noAdjoints: readonly (Value | undefined)[] = [];

/**
 * Compiled programs, shared by every tape of the process (so a one-shot call of a function seen
 * before reuses its code) and matched by structure; bounded, least recently used first out.
 * The last of a structure's extra integers is -1 - (the number of outputs of f).
 */
const newPrograms = () => new ir.ProgramCache<Built>(newBuilt, 64);
const generatedPrograms = newPrograms();
const interpretedPrograms = newPrograms();

/** The native reverse-mode engine, in float64. */
export function tape(options: TapeOptions = {}): TapeEngine {
  const codegen = options.codegen !== false;
  let lastTapeLength = 0;
  let lastRunCompiled = false;
  /** What each preparation's last recording left for the next (see `Previous`). */
  const previous = new WeakMap<PrepKey, Previous>();
  const cache = codegen ? generatedPrograms : interpretedPrograms;
  return {
    kind: 'engine',
    name: 'tape',
    precision: 'float64',
    mode: 'reverse',
    replayable: true,
    get lastTapeLength() {
      return lastTapeLength;
    },
    get lastRunCompiled() {
      return lastRunCompiled;
    },
    pullback(f: LeafFn, xs, cotangents, key): BatchResult {
      let prev = previous.get(key);
      if (prev === undefined) {
        prev = { slots: 8, program: null, columns: null, adjoints: null, workspace: null };
        previous.set(key, prev);
      }
      // The spare columns and the workspace are this call's until it is done (a nested call of
      // the same preparation meanwhile finds none and allocates its own).
      const ws = prev.workspace ?? new Workspace();
      prev.workspace = null;
      const trace = new TapeTrace(prev.slots, prev.program, prev.columns, ws.recording);
      prev.columns = null;
      let inputs: TapeTracer[];
      let ys: readonly Value[];
      let run: Run | null;
      try {
        inputs = new Array<TapeTracer>(xs.length);
        for (let i = 0; i < xs.length; i++) inputs[i] = trace.input(xs[i]!);
        ys = f(inputs);
        run = complete(ws, trace, ys, cache, codegen);
      } finally {
        trace.finish();
      }
      lastTapeLength = trace.records;
      lastRunCompiled = run != null && run.compiled !== null;
      prev.slots = trace.slots;
      prev.program = run === null ? null : run.built.program;
      const primals = new Array<Value>(ys.length);
      for (let j = 0; j < ys.length; j++) {
        const y = ys[j]!;
        primals[j] = y instanceof TapeTracer && y.trace === trace ? trace.primal(y) : y;
      }
      const cts = cotangents(primals);
      const results = new Array<Value[]>(cts.length);
      for (let k = 0; k < cts.length; k++) results[k] = backward(prev, ws, trace, inputs, ys, cts[k]!, run);
      // Done with the columns and the workspace: the next call of this preparation may write over
      // them — unless a buffer snapshot holds values of this trace (an operator's journal keeps
      // the state its first evaluation left and restores it later): they are settled to their
      // primals after this call, from this trace's columns and recording, which stay its own.
      if (!trace.snapshotted) {
        prev.columns = trace.usedColumns;
        ws.release();
        prev.workspace = ws;
      }
      return { ys: primals, results };
    },
  };
}
