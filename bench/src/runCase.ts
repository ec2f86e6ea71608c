/**
 * Runs one case: each variant is checked against the hand-written derivative (and for leaked
 * tensors), then f, the hand-written derivative and every variant are timed in rounds,
 * round-robin, each keeping its quietest round; last, each variant's allocation per call is
 * measured. Every ratio of a case comes from this one run.
 */
import { ErrorCode, isDiffError } from '@diffint/core';
import { type TimingConfig, allocationPerCall, time } from './measure.js';
import type { Case, Mode, Skip } from './types.js';

export type Status = 'ok' | 'wrong' | 'failed' | 'unsupported';

export interface Row {
  readonly backend: string;
  readonly operator: string;
  readonly mode: Mode;
  readonly status: Status;
  readonly message?: string;
  /** The median of the quietest round, ms. */
  readonly medianMs?: number;
  /** The median of each round, ms (their spread shows how noisy the machine was). */
  readonly roundMedians?: readonly number[];
  readonly samples?: number;
  /** time ÷ time of f alone (core math on plain values). */
  readonly perF?: number;
  /** time ÷ time of the hand-written derivative in plain JS. */
  readonly perHand?: number;
  /** time ÷ time of the engine's own API on the same function (tfjs rows: raw tf on the same tf backend). */
  readonly perRaw?: number;
  /** time ÷ time of jax-js `jit(valueAndGrad)` (gradient scenarios). */
  readonly perJax?: number;
  /** Time per scalar op, ns (scalar loop). */
  readonly nsPerOp?: number;
  readonly bytesPerCall?: number;
  /** Every count of ArrayBuffers saw a collection: bytesPerCall is a lower bound. */
  readonly allocationLowerBound?: boolean;
  /** Largest error against the hand-written derivative, relative to its largest entry. */
  readonly error?: number;
  /** Tensors left alive by the timed calls (TensorFlow.js rows). */
  readonly leakedTensors?: number;
}

export interface CaseResult {
  readonly scenario: string;
  readonly size: number;
  readonly sizeUnit: string;
  readonly fMs: number;
  readonly fRoundMedians: readonly number[];
  readonly handMs: number;
  readonly handRoundMedians: readonly number[];
  readonly opsPerCall?: number;
  readonly rows: readonly Row[];
  readonly skipped: readonly Skip[];
  readonly note?: string;
}

export function relativeError(got: Float64Array, want: Float64Array): number {
  if (got.length !== want.length) return Number.POSITIVE_INFINITY;
  let scale = 0;
  let err = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]!));
    err = Math.max(err, Math.abs(got[i]! - want[i]!));
  }
  return Number.isNaN(err) ? Number.POSITIVE_INFINITY : err / Math.max(scale, Number.MIN_VALUE);
}

/** A timed task of a case: f, the hand-written derivative, or a variant that passed its check. */
interface Task {
  readonly name: string;
  readonly run: () => unknown;
  readonly activate?: () => Promise<void>;
  readonly medians: number[];
  samples: number;
}

function task(name: string, run: () => unknown, activate?: () => Promise<void>): Task {
  return { name, run, ...(activate ? { activate } : {}), medians: [], samples: 0 };
}

/** Calls whose tensors are counted for the leak check. */
export const leakCheckCalls = 3;

/** `step` is told what the case is doing, for a progress display. */
export async function runCase(c: Case, cfg: TimingConfig, step: (what: string) => void): Promise<CaseResult> {
  const label = `${c.scenario} ${c.sizeUnit} = ${c.size}`;
  const fTask = task(`${label} f`, c.f);
  const handTask = task(`${label} hand`, c.hand);
  const checked = new Map<number, { task: Task; error: number; leaked?: number }>();
  const failed = new Map<number, Row>();
  for (const [i, v] of c.variants.entries()) {
    step(`checking ${v.backend} ${v.operator} ${v.mode}`);
    try {
      await v.init?.();
      const tensorsBefore = v.liveTensors?.();
      const error = relativeError(v.derivative(v.run()), c.reference);
      for (let k = 1; k < leakCheckCalls; k++) v.run();
      const leaked = tensorsBefore === undefined ? undefined : v.liveTensors!() - tensorsBefore;
      const t = task(`${label} ${v.backend} ${v.mode}`, v.run, v.activate);
      checked.set(i, { task: t, error, ...(leaked === undefined ? {} : { leaked }) });
    } catch (e) {
      const unsupported = isDiffError(e) && e.code === ErrorCode.UnsupportedOperator;
      failed.set(i, {
        backend: v.backend,
        operator: v.operator,
        mode: v.mode,
        status: unsupported ? 'unsupported' : 'failed',
        message: (e as Error).message.split('\n')[0]!.slice(0, 160),
      });
    }
  }
  const tasks = [fTask, handTask, ...[...checked.values()].map((x) => x.task)];
  for (let round = 0; round < cfg.rounds; round++) {
    step(`timing, round ${round + 1} of ${cfg.rounds}`);
    for (const t of tasks) {
      await t.activate?.();
      const r = time(t.name, t.run, cfg);
      t.medians.push(r.medianMs);
      t.samples += r.samples;
    }
  }
  const best = (t: Task) => Math.min(...t.medians);
  const fMs = best(fTask);
  const handMs = best(handTask);
  const measured: Row[] = [];
  for (const [i, v] of c.variants.entries()) {
    const done = checked.get(i);
    if (done === undefined) {
      measured.push(failed.get(i)!);
      continue;
    }
    await v.activate?.();
    step(`allocation of ${v.backend} ${v.mode}`);
    const medianMs = best(done.task);
    const allocation = await allocationPerCall(v.run, medianMs, cfg.allocationMs);
    const ok = done.error <= v.tolerance;
    measured.push({
      backend: v.backend,
      operator: v.operator,
      mode: v.mode,
      status: ok ? 'ok' : 'wrong',
      ...(ok ? {} : { message: `error ${done.error.toExponential(1)} > ${v.tolerance}` }),
      medianMs,
      roundMedians: done.task.medians,
      samples: done.task.samples,
      error: done.error,
      bytesPerCall: allocation.bytes,
      ...(allocation.exact ? {} : { allocationLowerBound: true }),
      ...(done.leaked === undefined ? {} : { leakedTensors: done.leaked }),
    });
  }
  const timeOf = (backend: string) =>
    measured.find((r) => r.backend === backend && r.mode === 'direct')?.medianMs;
  const jaxMs = timeOf('jax-js/wasm');
  const rows = measured.map((r, i): Row => {
    if (r.medianMs === undefined) return r;
    const raw = c.variants[i]!.raw;
    const rawMs = raw === undefined ? undefined : timeOf(raw);
    const isDiffint = r.mode !== 'direct';
    return {
      ...r,
      perF: r.medianMs / fMs,
      perHand: r.medianMs / handMs,
      ...(rawMs === undefined ? {} : { perRaw: r.medianMs / rawMs }),
      ...(isDiffint && jaxMs !== undefined ? { perJax: r.medianMs / jaxMs } : {}),
      ...(c.opsPerCall === undefined ? {} : { nsPerOp: (r.medianMs * 1e6) / c.opsPerCall }),
    };
  });
  return {
    scenario: c.scenario,
    size: c.size,
    sizeUnit: c.sizeUnit,
    fMs,
    fRoundMedians: fTask.medians,
    handMs,
    handRoundMedians: handTask.medians,
    ...(c.opsPerCall === undefined ? {} : { opsPerCall: c.opsPerCall }),
    rows,
    skipped: c.skipped,
    ...(c.note === undefined ? {} : { note: c.note }),
  };
}
