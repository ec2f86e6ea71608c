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
): {
  readonly yAt: readonly (number | null)[];
  readonly tangents: readonly (readonly (Value | null)[])[];
  readonly compiled: boolean;
  /** The program recorded (the cache's copy of its structure). */
  readonly program: ir.Program;
} | null {
  const rec = trace.recording;
  if (rec.inputCount === 0) return null;
  const batch = trace.batch;
  const outputs: number[] = [];
  /** Per output of f in the program: whether its value and its tangents are read. */
  const readY: boolean[] = [];
  const readT: boolean[] = [];
  const yAt = ys.map((y, j) => {
    if (!(y instanceof StagedDual) || y.trace !== trace) return null;
    outputs.push(y.v);
    readY.push(read?.ys[j] ?? true);
    readT.push(read?.tangents[j] ?? true);
    return outputs.length - 1;
  });
  const yCount = outputs.length;
  const held: Tracer[] = [];
  for (const b of trace.buffers) b.heldBy(trace, held);
  for (const t of held) if (t instanceof StagedDual) outputs.push(t.v);
  const program = rec.finish(outputs);
  const seeded = trace.seeds.map((s) => Array.from({ length: batch }, (_, k) => (s[k] ?? null) !== null));
  const key: number[] = [...rec.kinds, -1 - yCount, batch];
  for (const s of seeded) for (const on of s) key.push(on ? 1 : 0);
  for (let k = 0; k < yCount; k++) key.push((readY[k] ? 1 : 0) + (readT[k] ? 2 : 0));
  const built = cache.get(program, key);
  const forY: ir.Program = { ...program, outputs: outputs.slice(0, yCount) };
  const seedValue = (index: number): Value => trace.seeds[Math.floor(index / batch)]![index % batch]!;
  const anyTracedSeed = trace.seeds.some((s) => s.some((t) => t instanceof Tracer));
  let outs: readonly Value[];
  let tangents: ir.Tangents;
  if (!rec.early && !rec.foreign && !anyTracedSeed && ++built.sightings >= 2) {
    if (built.compiled === undefined) {
      built.compiled = staged(() => {
        // The tangent program reads primal values from the primal program's variables, so both
        // run as one program: every fused loop computes primal and tangents in one pass.
        // Only what is read: values and tangents nobody reads are not computed.
        const ys = outputs.slice(0, yCount);
        const t = ir.tangentProgram(
          { ...forY, outputs: ys.filter((_, k) => readT[k]) },
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
    const c = built.compiled;
    if (c !== null) {
      const inputs = [...rec.inputValues, ...c.composed.seeds.map(seedValue)];
      const all = c.run.run(inputs as never);
      const nt = c.composed.outputs.length;
      const primals = outputs.filter((_, k) => k >= yCount || readY[k]);
      const np = primals.length - (outputs.length - yCount);
      rec.setValues(primals, [...all.slice(0, np), ...all.slice(np + nt)]);
      // Tangents are fresh arrays (see `fresh` above): handed over, so core returns them without a copy.
      outs = all.slice(np, np + nt).map((t) => handOver(t as Plain));
      tangents = c.tangents;
      return { yAt, tangents: spread(tangents, outs, readT, batch), compiled: true, program: built.program };
    }
  }
  rec.runAll();
  if (built.plain === undefined)
    built.plain = staged(() => ir.tangentProgram(forY, built.seeded, batch, false));
  if (built.plain === null)
    return { yAt, tangents: eagerTangents(trace, forY), compiled: false, program: built.program };
  tangents = built.plain;
  const inputs = tangents.sources.map((s) => (s.kind === 'seed' ? seedValue(s.index) : rec.values[s.v]!));
  outs = ir.interpret(tangents.program, inputs);
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
        const inputs = xs.map((x, i) =>
          trace.input(
            x,
            tangents.map((t) => seedOf(t[i]!)),
          ),
        );
        ys = f(inputs);
        done = complete(trace, ys, cache, codegen, read);
        if (done !== null) previous.set(key, done.program);
        else previous.delete(key);
        lastRunCompiled = done?.compiled ?? false;
      } finally {
        trace.finish();
        lastPassApplications = trace.applications;
      }
      const tangentOf = (y: Value, j: number, k: number): Value => {
        let t: Value | null = null;
        if (y instanceof DualTracer && y.trace === trace) t = y.tangents[k] ?? null;
        // A staged value of this trace implies a recorded input, so `complete` ran in full.
        else if (y instanceof StagedDual && y.trace === trace)
          t = done!.tangents[done!.yAt[j]!]![k] as Value | null;
        return t ?? m.zeros(shapeOf(y));
      };
      const rec = trace.recording;
      /** A value not read and not computed (left out of the compiled program) is given as zeros. */
      const primal = (y: Value, j: number): Value =>
        y instanceof StagedDual && y.trace === trace && read?.ys[j] === false && rec.values[y.v] === undefined
          ? m.zeros(y.shape)
          : y instanceof Tracer && y.trace === trace
            ? trace.primal(y)
            : y;
      return {
        ys: ys.map(primal),
        results: tangents.map((_, k) => ys.map((y, j) => tangentOf(y, j, k))),
      };
    },
  };
}
