/**
 * Replay: a prepared call that runs f's compiled program without running f. The first call
 * records f (see record.ts), builds the program of its derivative (reverse mode for a gradient,
 * forward mode for a derivative) and compiles both; later calls check the guards and run the
 * compiled code. A guard that trips makes the call re-trace; a function the replay cannot
 * reproduce runs on the ordinary path, on every call.
 */
import { type Buffer, observeBuffers, openJournal } from '../buffer.js';
import type { Context } from '../context.js';
import { contextValues } from '../context.js';
import { StructureMismatchError } from '../errors.js';
import { checkScalar } from '../operators/derived.js';
import { type Compiled, compile } from '../ir/compile.js';
import { type Tangents, tangentProgram } from '../ir/jvp.js';
import type { Program } from '../ir/program.js';
import { withoutDeadCode } from '../ir/schedule.js';
import { NotStageableError } from '../ir/stage.js';
import { type Staged, backwardProgram } from '../ir/vjp.js';
import { describeStructure, flatten, sameStructure, unflatten } from '../pytree.js';
import { Tracer, type Value, observePlain, traceMark } from '../trace.js';
import { NDArray, type Plain, plainData, sameShape } from '../values.js';
import { type Entry, matchContexts, walkContexts } from './contexts.js';
import { NotReplayable, type Origin, ReplayTrace } from './record.js';
import { compileScalar, isScalarProgram } from './scalar.js';

/** What a replay computes: the gradient of a scalar f, or the derivative of f at a scalar x. */
export type ReplayMode = 'gradient' | 'derivative';

/** Options of `replay(f, options)`. */
export interface ReplayOptions {
  /**
   * Generate JavaScript for the replayed programs (default true). False runs them with the
   * interpreter, which needs no code generation; it is also chosen by itself where
   * `new Function` is forbidden (a strict Content-Security-Policy).
   */
  readonly codegen?: boolean;
}

/** The part of a preparation a replay uses. */
export interface ReplayHost {
  readonly f: (x: unknown, ...contexts: unknown[]) => unknown;
  readonly xDef: import('../pytree.js').TreeDef;
  readonly caches: readonly (Buffer | null)[];
  yDef: import('../pytree.js').TreeDef | null;
}

/** What one buffer gets written with after a replayed call: elements, or the whole contents. */
interface Final {
  readonly buffer: Buffer;
  /** -1: written element by element (`slots`); else the variable of the whole contents. */
  readonly whole: number;
  readonly slots: Int32Array;
  readonly vars: Int32Array;
}

/** A guard on an element f read from a buffer before writing it. */
interface BufferRead {
  readonly buffer: Buffer;
  readonly index: number;
  readonly value: number;
}

/** A recording compiled for replay. */
interface Plan {
  readonly program: Program;
  readonly origins: readonly Origin[];
  readonly entries: readonly Entry[];
  readonly contextArrays: unknown[];
  readonly yVars: readonly number[];
  readonly guards: readonly { readonly v: number; readonly value: Plain }[];
  readonly numberGuards: readonly { readonly v: number; readonly value: number }[];
  readonly reads: readonly BufferRead[];
  readonly finals: readonly Final[];
  readonly derivative: Staged;
  /** For a derivative: per output of f, whether its tangent is an output of the derivative program (else zero). */
  readonly present: readonly boolean[] | null;
  /** The result of a call, overwritten by the next (its arrays are copied into results by the caller). */
  readonly ys: Value[];
  readonly d: Value[];
  readonly result: { readonly ys: Value[]; readonly d: Value[] };
  /** Program inputs of this call (reused). */
  readonly inputs: Plain[];
  readonly run: Runner;
}

/** Runs a plan's program and its derivative program. */
interface Runner {
  /** Runs the primal program; then `value(v)` reads a variable of it. */
  forward(inputs: readonly Plain[]): void;
  value(v: number): Plain;
  /** Every variable as a number, where the runner keeps them so (the scalar runner), else null. */
  readonly values: Float64Array | null;
  /** Runs the derivative program; then `output(i)` is its output i (valid until the next call). */
  derivative(): void;
  output(i: number): Plain;
}

function results(n: number, nd: number): Pick<Plan, 'ys' | 'd' | 'result'> {
  const ys = new Array<Value>(n).fill(0);
  const d = new Array<Value>(nd).fill(0);
  return { ys, d, result: { ys, d } };
}

/** A zero shaped like `v`. */
function zerosOf(v: Plain): Plain {
  if (typeof v === 'number') return 0;
  return v instanceof Float64Array
    ? new Float64Array(v.length)
    : new NDArray(new Float64Array(v.data.length), v.shape);
}

/** Consecutive re-traces after which the replay gives up and f runs on every call. */
const maxRetraces = 4;

function samePlain(a: Plain, b: Plain): boolean {
  const da = typeof a === 'number' ? null : plainData(a);
  const db = typeof b === 'number' ? null : plainData(b);
  if (da === null || db === null) {
    const x = da === null ? a : da.length === 1 ? da[0] : Number.NaN;
    const y = db === null ? b : db.length === 1 ? db[0] : Number.NaN;
    return (da === null || da.length === 1) && (db === null || db.length === 1) && Object.is(x, y);
  }
  if (da.length !== db.length) return false;
  for (let i = 0; i < da.length; i++) if (!Object.is(da[i], db[i])) return false;
  return true;
}

/** The scalar runner: every variable a number in one array, both programs one instruction loop. */
function scalarRunner(p: Program, d: Staged): Runner | null {
  if (!isScalarProgram(p) || !isScalarProgram(d.program)) return null;
  const c = compileScalar(p, d);
  if (c === null) return null;
  const { V, run, outputs } = c;
  const ins = p.inputs;
  return {
    forward(inputs) {
      for (let i = 0; i < ins.length; i++) {
        const x = inputs[i]!;
        V[ins[i]!] = typeof x === 'number' ? x : plainData(x)[0]!;
      }
      run();
    },
    value: (v) => V[v]!,
    values: V,
    derivative() {},
    output: (i) => V[outputs[i]!]!,
  };
}

/** The general runner: the fused compiler (or its interpreter) on both programs. */
function compiledRunner(p: Program, forwardOutputs: readonly number[], d: Staged, codegen: boolean): Runner {
  const outputs = [...forwardOutputs, ...d.residuals];
  const fp: Compiled = compile({ ...p, outputs }, { codegen });
  const fd: Compiled = compile(d.program, { codegen });
  const at = new Map<number, number>();
  outputs.forEach((v, i) => {
    if (!at.has(v)) at.set(v, i);
  });
  let last: Plain[] = [];
  let lastD: Plain[] = [];
  const inputs: Plain[] = d.sources.map(() => 0);
  const value = (v: number): Plain => {
    const i = at.get(v);
    if (i !== undefined) return last[i]!;
    const l = p.literals.get(v);
    if (l !== undefined) return l;
    const k = p.inputs.indexOf(v);
    return lastInputs[k]!;
  };
  let lastInputs: readonly Plain[] = [];
  return {
    forward(ins) {
      lastInputs = ins;
      last = fp.run(ins);
    },
    value,
    values: null,
    derivative() {
      for (let i = 0; i < inputs.length; i++) {
        const s = d.sources[i]!;
        inputs[i] = s.kind === 'seed' ? 1 : value(s.v);
      }
      lastD = fd.run(inputs);
    },
    output: (i) => lastD[i]!,
  };
}

/** The derivative program of a recording (reverse mode for a gradient, forward for a derivative). */
function derivativeProgram(mode: ReplayMode, p: Program, origins: readonly Origin[], remat: boolean): Staged {
  if (mode === 'gradient') {
    return backwardProgram(
      p,
      origins.map((o) => o.kind === 'x'),
      remat,
    );
  }
  return tangentProgram(
    p,
    origins.map((o) => [o.kind === 'x']),
    1,
    remat,
  );
}

/**
 * The replay of one preparation: `call` gives the result, or null when this call (or, once f
 * turned out not to be replayable, every call) must take the ordinary path.
 */
export class Replayer {
  private plan: Plan | null = null;
  private retraces = 0;
  /** Why f runs on every call instead of being replayed, once that is known (for tests and diagnostics). */
  disabled: string | null = null;
  /** Recordings made so far (for tests and diagnostics). */
  traces = 0;
  /** Whether the last call replayed compiled code without running f. */
  lastReplayed = false;

  constructor(
    private readonly host: ReplayHost,
    private readonly mode: ReplayMode,
    private readonly options: ReplayOptions,
  ) {}

  /**
   * The outputs of f and their derivative (one per x leaf for a gradient, one per output leaf
   * for a derivative), or null for the ordinary path. `leaves` are the caller's own x leaves.
   */
  call(leaves: readonly Value[], contexts: readonly Context[]): { ys: Value[]; d: Value[] } | null {
    this.lastReplayed = false;
    if (this.disabled !== null) return null;
    for (let i = 0; i < leaves.length; i++) if (leaves[i] instanceof Tracer) return null;
    const plan = this.plan;
    if (plan !== null) {
      const r = this.replay(plan, leaves as readonly Plain[], contexts, null);
      if (r !== null) {
        this.retraces = 0;
        this.lastReplayed = true;
        return r;
      }
      if (++this.retraces >= maxRetraces) {
        this.disabled = `its guards tripped on ${maxRetraces} calls in a row`;
        this.plan = null;
        return null;
      }
    }
    return this.trace(leaves as readonly Plain[], contexts);
  }

  /** Records f at x, builds the plan and computes this call's result with it. */
  private trace(leaves: readonly Plain[], contexts: readonly Context[]): { ys: Value[]; d: Value[] } | null {
    const walked = walkContexts(contexts);
    if (walked === null) return null;
    this.traces++;
    this.plan = null;
    const host = this.host;
    const own = leaves.map((l) =>
      typeof l === 'number'
        ? l
        : l instanceof Float64Array
          ? l.slice()
          : new NDArray(l.data.slice(), l.shape),
    );
    const journal = openJournal();
    journal.beginEvaluation();
    const trace = new ReplayTrace(walked.arrays);
    const prevBuffers = observeBuffers(trace);
    const prevPlain = observePlain(trace.plain);
    let reason: string | null = null;
    let out: unknown;
    try {
      const xs = own.map((l, i) => trace.input(l, i));
      out = host.f(unflatten(host.xDef, xs), ...contextValues(contexts, host.caches));
    } catch (e) {
      if (!(e instanceof NotReplayable)) {
        observeBuffers(prevBuffers);
        observePlain(prevPlain);
        trace.recording = false;
        trace.finish();
        journal.close();
        throw e;
      }
      reason = e.why;
    } finally {
      observeBuffers(prevBuffers);
      observePlain(prevPlain);
      trace.recording = false;
    }
    let plan: Plan | null = null;
    /** f wrote into a plain array it computed with: this call is answered from the recording, no later one. */
    let once: string | null = null;
    try {
      if (reason === null) {
        if (traceMark() !== trace.id + 1) reason = 'f starts a differentiation of its own';
        else once = trace.check();
      }
      if (reason === null) plan = this.build(trace, out, walked.entries);
    } catch (e) {
      if (e instanceof NotReplayable) reason = e.why;
      else if (e instanceof NotStageableError) reason = 'its derivative program cannot be staged';
      else {
        trace.finish();
        journal.close();
        throw e;
      }
    }
    trace.finish();
    if (plan === null) {
      // f runs again on the ordinary path, from the state this call began with.
      journal.rollback();
      this.disabled = reason ?? 'it cannot be replayed';
      return null;
    }
    journal.close();
    // The arrays f read, as they were when each op read them (f may have written them since).
    const recorded = trace.program.inputs.map((v) => trace.values[v]!);
    const result = this.replay(plan, leaves, contexts, recorded);
    if (once !== null) this.disabled = once;
    else this.plan = plan;
    return result;
  }

  /** The plan of a finished recording: its programs compiled, its guards and buffer writes. */
  private build(trace: ReplayTrace, out: unknown, entries: readonly Entry[]): Plan {
    const host = this.host;
    const flat = flatten(out, 'the output of f');
    if (host.yDef === null) host.yDef = flat.def;
    else if (!sameStructure(host.yDef, flat.def)) {
      throw new StructureMismatchError(
        `f returned ${describeStructure(flat.def)} where an earlier call returned ${describeStructure(host.yDef)}; ` +
          'its output structure must not depend on x.',
      );
    }
    if (this.mode === 'gradient') checkScalar('gradient', flat.leaves);
    const yVars = flat.leaves.map((l) => trace.varOf(l));
    const finals: Final[] = [];
    const reads: BufferRead[] = [];
    for (const [buffer, use] of trace.buffersUsed) {
      for (let i = 0; i < use.reads.length; i++)
        reads.push({ buffer, index: use.reads[i]!, value: use.values[i]! });
      if (!use.written) continue;
      if (use.all) {
        finals.push({
          buffer,
          whole: trace.varOf(buffer.read()),
          slots: new Int32Array(0),
          vars: new Int32Array(0),
        });
        continue;
      }
      const slots: number[] = [];
      for (let k = 0; k < use.state.length; k++) if (use.state[k] === 2) slots.push(k);
      const vars = slots.map((k) => trace.varOf(buffer.get(k)));
      finals.push({ buffer, whole: -1, slots: Int32Array.from(slots), vars: Int32Array.from(vars) });
    }
    const guards = trace.guards;
    const numberGuards = trace.numberGuards.map((v) => ({ v, value: trace.values[v] as number }));
    const forwardOutputs = [
      ...yVars,
      ...guards.map((g) => g.v),
      ...numberGuards.map((g) => g.v),
      ...finals.flatMap((f) => (f.whole >= 0 ? [f.whole] : Array.from(f.vars))),
    ];
    const full = trace.program.finish(forwardOutputs);
    const program = withoutDeadCode(full);
    const forY: Program = { ...program, outputs: yVars };
    const codegen = this.options.codegen !== false;
    let run: Runner | null = null;
    let derivative: Staged | null = null;
    if (codegen && isScalarProgram(program)) {
      derivative = derivativeProgram(this.mode, forY, trace.origins, false);
      run = scalarRunner(program, derivative);
    }
    if (run === null) {
      derivative = derivativeProgram(this.mode, forY, trace.origins, true);
      run = compiledRunner(program, forwardOutputs, derivative, codegen);
    }
    return {
      program,
      origins: trace.origins,
      entries,
      contextArrays: new Array(entries.length),
      yVars,
      guards,
      numberGuards,
      reads,
      finals,
      derivative: derivative!,
      present: this.mode === 'derivative' ? (derivative as Tangents).present.map((p) => p[0] === true) : null,
      ...results(
        yVars.length,
        this.mode === 'derivative' ? yVars.length : derivative!.program.outputs.length,
      ),
      inputs: new Array<Plain>(trace.origins.length).fill(0),
      run,
    };
  }

  /** One call on a plan; null when a guard trips (nothing has been written then). */
  private replay(
    plan: Plan,
    leaves: readonly Plain[],
    contexts: readonly Context[],
    recorded: readonly Plain[] | null,
  ): { ys: Value[]; d: Value[] } | null {
    const traced = recorded !== null;
    if (!matchContexts(contexts, plan.entries, plan.contextArrays)) return null;
    if (!traced) {
      const reads = plan.reads;
      for (let i = 0; i < reads.length; i++) {
        const r = reads[i]!;
        const now = r.buffer.get(r.index);
        if (typeof now !== 'number' || !Object.is(now, r.value)) return null;
      }
    }
    const inputs = plan.inputs;
    const origins = plan.origins;
    for (let i = 0; i < origins.length; i++) {
      const o = origins[i]!;
      if (recorded !== null) inputs[i] = recorded[i]!;
      else if (o.kind === 'x') inputs[i] = leaves[o.index]!;
      else if (o.kind === 'context') inputs[i] = plan.contextArrays[o.entry] as Plain;
      else {
        const a = o.array;
        if (a instanceof NDArray && !sameShape(a.shape, o.shape)) return null;
        inputs[i] = a;
      }
    }
    const run = plan.run;
    run.forward(inputs);
    if (!traced) {
      const { guards, numberGuards } = plan;
      for (let i = 0; i < guards.length; i++) {
        const g = guards[i]!;
        if (!samePlain(run.value(g.v), g.value)) return null;
      }
      for (let i = 0; i < numberGuards.length; i++) {
        const g = numberGuards[i]!;
        if (!Object.is(run.value(g.v), g.value)) return null;
      }
    }
    run.derivative();
    const ys = plan.ys;
    for (let i = 0; i < ys.length; i++) ys[i] = run.value(plan.yVars[i]!);
    const d = plan.d;
    const present = plan.present;
    if (present === null) {
      for (let i = 0; i < d.length; i++) d[i] = run.output(i);
    } else {
      let k = 0;
      for (let i = 0; i < present.length; i++) {
        d[i] = present[i] ? run.output(k++) : zerosOf(run.value(plan.yVars[i]!));
      }
    }
    if (!traced) {
      const finals = plan.finals;
      for (let i = 0; i < finals.length; i++) {
        const f = finals[i]!;
        if (f.whole >= 0) f.buffer.assign(run.value(f.whole));
        else if (run.values !== null) f.buffer.setElements(f.slots, run.values, f.vars);
        else for (let k = 0; k < f.slots.length; k++) f.buffer.set(f.slots[k]!, run.value(f.vars[k]!));
      }
    }
    return plan.result;
  }
}
