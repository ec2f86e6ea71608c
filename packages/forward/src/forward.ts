/**
 * Forward mode on the IR, with a batch of tangents per pass. f runs on every call; its scalar
 * ops on plain numbers are dual numbers computed at once, its other ops are recorded as a
 * program (see trace.ts). At the end the program is matched by structure against what this
 * preparation compiled before, and runs as fused generated code: the primal program composed
 * with the tangent program that the primitives' JVP rules wrote, every direction of the batch
 * computed in the same loops as the primal values. A recording that touched values of an outer differentiation, or whose values were read
 * before the end, is interpreted instead, op by op with `bind`, so an outer trace
 * differentiates it. Symbolic zeros cost nothing: a value that does not depend on x has no
 * tangent equations at all.
 */
import { InvalidInputError } from '@diffint/core';
import {
  type BatchResult,
  type Engine,
  type LeafFn,
  type Plain,
  type PrepKey,
  type Primitive,
  type PrimitiveName,
  type ReadResults,
  type Tangent,
  Tracer,
  type Value,
  handOver,
  ir,
  shapeOf,
} from '@diffint/core/engine';
import * as m from '@diffint/core/math';
import { DualTrace, DualTracer, StagedDual } from './trace.js';

/** A seed with no non-zero element is a symbolic zero (Jacobian chunks seed most leaves with zeros). */
function seedOf(t: Value): Tangent {
  if (t instanceof Tracer) return t;
  if (typeof t === 'number') return t === 0 ? null : t;
  const data = t instanceof Float64Array ? t : t.data;
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) return t;
  return null;
}

/** What is built once per program structure (and pattern of zero seeds). */
interface Built {
  readonly program: ir.Program;
  readonly seeded: readonly (readonly boolean[])[];
  /**
   * Compiled: one program computing the outputs of f, the values buffers hold and the tangents
   * together (fused into the same loops); null when the tangent program cannot be staged.
   */
  compiled?: { tangents: ir.Tangents; composed: ir.Composed; run: ir.Compiled } | null;
  plain?: ir.Tangents | null;
  /** Recordings of this structure seen so far: it is compiled on the second. */
  sightings: number;
}

function staged<T>(build: () => T): T | null {
  try {
    return build();
  } catch (e) {
    if (e instanceof ir.NotStageableError) return null;
    throw e;
  }
}

/** How `complete` ran a recording. */
interface Completed {
  /** Per output of f: its index among the program's outputs of f, or null (not recorded in the program). */
  readonly yAt: readonly (number | null)[];
  /** Per program output of f, per direction: its tangent (null: zero). */
  readonly tangents: readonly (readonly (Value | null)[])[];
  readonly compiled: boolean;
  /** The program recorded (the cache's copy of its structure). */
  readonly program: ir.Program;
}

/**
 * Runs the recorded program and its tangent program; returns, per output of f recorded in the
 * program, its primal and its tangent per direction (null: zero).
 */
function complete(
  trace: DualTrace,
  ys: readonly Value[],
  cache: ir.ProgramCache<Built>,
  codegen: boolean,
  read: ReadResults | undefined,
): Completed | null {
  const rec = trace.recording;
  if (rec.inputCount === 0) return null;
  const batch = trace.batch;
  const outputs: number[] = [];
  /** Per output of f in the program: whether its value and its tangents are read. */
  const readY: boolean[] = [];
  const readT: boolean[] = [];
  const yAt = new Array<number | null>(ys.length);
  for (let j = 0; j < ys.length; j++) {
    const y = ys[j];
    if (!(y instanceof StagedDual) || y.trace !== trace) {
      yAt[j] = null;
      continue;
    }
    yAt[j] = outputs.length;
    outputs.push(y.v);
    readY.push(read?.ys[j] ?? true);
    readT.push(read?.tangents[j] ?? true);
  }
  const yCount = outputs.length;
  if (trace.buffers.size > 0) {
    const held: Tracer[] = [];
    for (const b of trace.buffers) b.heldBy(trace, held);
    for (const t of held) if (t instanceof StagedDual) outputs.push(t.v);
  }
  const program = rec.finish(outputs);
  // The structure's extra integers: the input kinds, the outputs of f, the batch, which inputs
  // and directions are seeded, and what is read of each output (see `newPrograms`).
  const kinds = rec.kinds;
  const key: number[] = new Array(kinds.length + 2);
  for (let i = 0; i < kinds.length; i++) key[i] = kinds[i]!;
  key[kinds.length] = -1 - yCount;
  key[kinds.length + 1] = batch;
  let anyTracedSeed = false;
  const seeds = trace.seeds;
  for (let i = 0; i < seeds.length; i++) {
    const s = seeds[i]!;
    for (let k = 0; k < batch; k++) {
      const t = s[k] ?? null;
      key.push(t !== null ? 1 : 0);
      if (t instanceof Tracer) anyTracedSeed = true;
    }
  }
  for (let k = 0; k < yCount; k++) key.push((readY[k] ? 1 : 0) + (readT[k] ? 2 : 0));
  const built = cache.get(program, key);
  if (!rec.early && !rec.foreign && !anyTracedSeed && ++built.sightings >= 2) {
    if (built.compiled === undefined)
      built.compiled = compiledOf(built, program, outputs, yCount, readY, readT, batch, codegen);
    const c = built.compiled;
    if (c !== null) {
      const composedSeeds = c.composed.seeds;
      const n = rec.inputValues.length;
      const inputs = new Array<Value>(n + composedSeeds.length);
      for (let i = 0; i < n; i++) inputs[i] = rec.inputValues[i]!;
      for (let i = 0; i < composedSeeds.length; i++) inputs[n + i] = seedValue(trace, composedSeeds[i]!);
      const all = c.run.run(inputs as never);
      const nt = c.composed.outputs.length;
      // The run returns the primals of f that are read, the tangents, then what buffers hold.
      let at = 0;
      for (let k = 0; k < yCount; k++) if (readY[k]) rec.values[outputs[k]!] = all[at++];
      const np = at;
      at = np + nt;
      for (let k = yCount; k < outputs.length; k++) rec.values[outputs[k]!] = all[at++];
      // Tangents are fresh arrays (see `fresh` in compiledOf): handed over, so core returns them without a copy.
      const outs = new Array<Value>(nt);
      for (let i = 0; i < nt; i++) outs[i] = handOver(all[np + i] as Plain);
      return {
        yAt,
        tangents: spread(c.tangents, outs, readT, batch),
        compiled: true,
        program: built.program,
      };
    }
  }
  return interpreted(trace, built, program, outputs, yCount, readY, yAt);
}

/**
 * The recorded program and its tangent program run by the interpreter (or the JVP rules on
 * values, where the tangent program cannot be staged). Apart from `complete`: its closures would
 * make every call allocate their context, compiled or not.
 */
function interpreted(
  trace: DualTrace,
  built: Built,
  program: ir.Program,
  outputs: readonly number[],
  yCount: number,
  readY: readonly boolean[],
  yAt: readonly (number | null)[],
): Completed {
  const rec = trace.recording;
  const batch = trace.batch;
  const forY: ir.Program = { ...program, outputs: outputs.slice(0, yCount) };
  rec.runAll();
  if (built.plain === undefined)
    built.plain = staged(() => ir.tangentProgram(forY, built.seeded, batch, false));
  if (built.plain === null)
    return { yAt, tangents: eagerTangents(trace, forY), compiled: false, program: built.program };
  const tangents = built.plain;
  const inputs = tangents.sources.map((s) =>
    s.kind === 'seed' ? seedValue(trace, s.index) : rec.values[s.v]!,
  );
  const outs = ir.interpret(tangents.program, inputs);
  return {
    yAt,
    program: built.program,
    tangents: spread(
      tangents,
      outs,
      readY.map(() => true),
      batch,
    ),
    compiled: false,
  };
}

/** Seed `index` of the batch: direction index % batch of input ⌊index / batch⌋. */
function seedValue(trace: DualTrace, index: number): Value {
  const batch = trace.batch;
  return trace.seeds[Math.floor(index / batch)]![index % batch]!;
}

/**
 * The compiled run of a structure, or null when its tangent program cannot be staged. The
 * tangent program reads primal values from the primal program's variables, so both run as one
 * program: every fused loop computes primal and tangents in one pass. Only what is read: values
 * and tangents nobody reads are not computed.
 */
function compiledOf(
  built: Built,
  program: ir.Program,
  outputs: readonly number[],
  yCount: number,
  readY: readonly boolean[],
  readT: readonly boolean[],
  batch: number,
  codegen: boolean,
): Exclude<Built['compiled'], undefined> {
  return staged(() => {
    const ys = outputs.slice(0, yCount);
    const t = ir.tangentProgram(
      { ...program, outputs: ys.filter((_, k) => readT[k]) },
      built.seeded,
      batch,
      false,
    );
    const composed = ir.compose(
      program,
      t,
      ys.filter((_, k) => readY[k]),
      outputs.slice(yCount),
    );
    if (composed === null) return null;
    const fresh = ys.length + composed.outputs.length;
    return { tangents: t, composed, run: ir.compile(composed.program, { codegen, fresh }) };
  });
}

/**
 * The tangent program's outputs laid out per output of f, per direction; `has[y]`: the tangent
 * program has output y of f (the others are not read, and given as zeros).
 */
function spread(
  t: ir.Tangents,
  outs: readonly Value[],
  has: readonly boolean[],
  batch: number,
): (Value | null)[][] {
  let k = 0;
  let at = 0;
  const result: (Value | null)[][] = [];
  for (let y = 0; y < has.length; y++) {
    const row: (Value | null)[] = [];
    const present = has[y] ? t.present[at++]! : null;
    for (let d = 0; d < batch; d++) row.push(present?.[d] ? outs[k++]! : null);
    result.push(row);
  }
  return result;
}

/** The JVP rules run on values, for a program whose tangent program cannot be staged. */
function eagerTangents(trace: DualTrace, p: ir.Program): (Value | null)[][] {
  const rec = trace.recording;
  // Every variable gets its tangents (a constant input's list is empty: zero in every direction).
  const tan = new Array<readonly Tangent[]>(p.shapes.length);
  p.inputs.forEach((v, i) => {
    tan[v] = trace.seeds[i]!;
  });
  for (const e of p.eqns) {
    const prim = e.prim as Primitive<PrimitiveName>;
    const primals = e.args.map((a) => rec.values[a]!);
    tan[e.out] = Array.from({ length: trace.batch }, (_, k) => {
      const ts = e.args.map((a) => tan[a]![k] ?? null);
      return ts.every((t) => t === null)
        ? null
        : prim.jvp(ts, primals, rec.values[e.out]!, e.params as never);
    });
  }
  return p.outputs.map((y) => Array.from({ length: trace.batch }, (_, k) => tan[y]![k] ?? null));
}

/** Tangent k of output y of f (output j), zeros where it has none. */
function tangentOf(trace: DualTrace, done: Completed | null, y: Value, j: number, k: number): Value {
  let t: Value | null = null;
  if (y instanceof DualTracer && y.trace === trace) t = y.tangents[k] ?? null;
  // A staged value of this trace implies a recorded input, so `complete` ran in full.
  else if (y instanceof StagedDual && y.trace === trace)
    t = done!.tangents[done!.yAt[j]!]![k] as Value | null;
  return t ?? m.zeros(shapeOf(y));
}

/** The value of output y of f; `unread`: nobody reads it, and one left out of the compiled program is given as zeros. */
function primalOf(trace: DualTrace, y: Value, unread: boolean): Value {
  if (y instanceof StagedDual && y.trace === trace && unread && trace.recording.values[y.v] === undefined) {
    return m.zeros(y.shape);
  }
  return y instanceof Tracer && y.trace === trace ? trace.primal(y) : y;
}

/** Options of `forward()`. */
export interface ForwardOptions {
  /**
   * Tangents carried per pass (default 8): a Jacobian of an n-input function takes ⌈n/chunk⌉
   * passes, each costing about chunk + 1 evaluations of f's arithmetic.
   */
  readonly chunk?: number;
  /**
   * Generate JavaScript for recorded programs (default true). False runs them with the
   * interpreter, which needs no code generation; it is also chosen by itself where
   * `new Function` is forbidden (a strict Content-Security-Policy).
   */
  readonly codegen?: boolean;
}

/** The engine `forward()` returns: dual numbers carrying `batchSize` tangents per pass, in float64. */
export interface ForwardEngine extends Engine {
  readonly name: 'forward';
  readonly batchSize: number;
  /** Primitive applications interpreted by the most recent pass (for tests and diagnostics). */
  readonly lastPassApplications: number;
  /** Whether the most recent pass ran compiled code (for tests and diagnostics). */
  readonly lastRunCompiled: boolean;
}

/**
 * Compiled programs, shared by every forward engine of the process and matched by structure;
 * bounded, least recently used first out. The structure's extra integers end with the batch
 * size and one 0/1 per input and direction: which are seeded.
 */
const newPrograms = () =>
  new ir.ProgramCache<Built>((program, kinds) => {
    const batch = kinds[program.inputs.length + 1]!;
    const start = program.inputs.length + 2;
    const flags = kinds.slice(start, start + program.inputs.length * batch);
    const seeded = program.inputs.map((_, i) =>
      Array.from({ length: batch }, (_, k) => flags[i * batch + k] === 1),
    );
    return { program, seeded, sightings: 0 };
  }, 64);
const generatedPrograms = newPrograms();
const interpretedPrograms = newPrograms();

/** The forward-mode engine, in float64: native pushforward of a batch; the rest derived by core. */
export function forward(options: ForwardOptions = {}): ForwardEngine {
  const chunk = options.chunk ?? 8;
  if (!Number.isInteger(chunk) || chunk < 1) {
    throw new InvalidInputError(
      `forward({ chunk }): chunk must be a positive integer (tangents per pass), got ${String(chunk)}.`,
    );
  }
  const codegen = options.codegen !== false;
  let lastPassApplications = 0;
  let lastRunCompiled = false;
  const cache = codegen ? generatedPrograms : interpretedPrograms;
  /** Each preparation's last recorded program, which its next recording follows (see `ir.Recording`). */
  const previous = new WeakMap<PrepKey, ir.Program>();
  return {
    kind: 'engine',
    name: 'forward',
    precision: 'float64',
    mode: 'forward',
    replayable: true,
    batchSize: chunk,
    get lastPassApplications() {
      return lastPassApplications;
    },
    get lastRunCompiled() {
      return lastRunCompiled;
    },
    pushforward(f: LeafFn, xs, tangents, key, read): BatchResult {
      const trace = new DualTrace(tangents.length, previous.get(key) ?? null);
      let ys: readonly Value[];
      let done: ReturnType<typeof complete>;
      try {
        const inputs = new Array<Value>(xs.length);
        for (let i = 0; i < xs.length; i++) {
          const seeds = new Array<Tangent>(tangents.length);
          for (let k = 0; k < tangents.length; k++) seeds[k] = seedOf(tangents[k]![i]!);
          inputs[i] = trace.input(xs[i]!, seeds);
        }
        ys = f(inputs);
        done = complete(trace, ys, cache, codegen, read);
        if (done !== null) previous.set(key, done.program);
        else previous.delete(key);
        lastRunCompiled = done?.compiled ?? false;
      } finally {
        trace.finish();
        lastPassApplications = trace.applications;
      }
      const primals = new Array<Value>(ys.length);
      for (let j = 0; j < ys.length; j++) primals[j] = primalOf(trace, ys[j]!, read?.ys[j] === false);
      const results = new Array<Value[]>(tangents.length);
      for (let k = 0; k < tangents.length; k++) {
        const r = new Array<Value>(ys.length);
        for (let j = 0; j < ys.length; j++) r[j] = tangentOf(trace, done!, ys[j]!, j, k);
        results[k] = r;
      }
      return { ys: primals, results };
    },
  };
}
