/**
 * Builders shared by the scenarios: the diffint rows of one operator over every available
 * engine (prepared and unprepared), and the flattening used by the correctness check.
 */
import { type Backend, type Engine, NDArray, flatten } from '@diffint/core';
import { type Engines, type TfBackend, tfBackends, useTfBackend } from './engines.js';
import type { Skip, Variant } from './types.js';

/** Relative tolerances of the correctness check, by how the engine computes. */
export const tolerance = { float64: 1e-8, finiteDiff: 1e-4, float32: 2e-3 } as const;

/** All leaves of a plain pytree as one Float64Array. */
export function flat(tree: unknown): Float64Array {
  if (tree instanceof Float64Array) return tree;
  if (tree instanceof NDArray) return tree.data;
  if (typeof tree === 'number') return Float64Array.of(tree);
  const parts = flatten(tree, 'result').leaves.map((l) => flat(l));
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** The second element of a `[value, derivative]` result, flattened. */
export const second = (r: unknown) => flat((r as readonly unknown[])[1]);
/** The first seed's result of a batched operator (`hvp(…, [v])`), flattened. */
export const firstSeed = (r: unknown) => flat((r as readonly unknown[])[0]);

/** An engine the scenario can run: its row label, how to make it, how exact it is. */
export interface EngineRow {
  readonly backend: string;
  readonly make: () => Backend;
  readonly tolerance: number;
  readonly tf?: TfBackend;
}

export interface EngineChoice {
  /** Largest size at which forward and finite differences run (their cost grows with n passes of f). */
  readonly densePassesUpTo?: number;
  /** Largest size at which the tfjs adapter runs (one tensor op per scalar op is slow). */
  readonly tfjsUpTo?: number;
}

/** The engines a scenario runs at `size`, and the ones it leaves out with a reason. */
export function engineRows(
  engines: Engines,
  size: number,
  choice: EngineChoice = {},
): { rows: EngineRow[]; skipped: Skip[] } {
  const rows: EngineRow[] = [{ backend: 'tape', make: engines.tape, tolerance: tolerance.float64 }];
  const skipped: Skip[] = [];
  const missing = (backend: string) =>
    skipped.push({ backend, reason: 'its package does not export it yet' });
  const dense = (backend: string, make: (() => Engine) | null, tol: number) => {
    if (make === null) missing(backend);
    else if (choice.densePassesUpTo !== undefined && size > choice.densePassesUpTo) {
      skipped.push({ backend, reason: `needs O(n) passes of f; run up to n = ${choice.densePassesUpTo}` });
    } else rows.push({ backend, make, tolerance: tol });
  };
  dense('forward', engines.forward, tolerance.float64);
  dense('finite-diff', engines.finiteDiff, tolerance.finiteDiff);
  for (const b of tfBackends) {
    const backend = `tfjs/${b}`;
    if (engines.tfjs === null) missing(backend);
    else if (choice.tfjsUpTo !== undefined && size > choice.tfjsUpTo) {
      skipped.push({ backend, reason: `one tensor op per scalar op; run up to ${choice.tfjsUpTo}` });
    } else rows.push({ backend, make: engines.tfjs, tolerance: tolerance.float32, tf: b });
  }
  return { rows, skipped };
}

export interface OperatorCalls {
  readonly operator: string;
  /** Prepares with a fresh backend and returns the prepared call. */
  readonly prepare: (backend: Backend) => () => unknown;
  /** One one-shot call (the backend is made once per row, as a user keeps it). */
  readonly once: (backend: Backend) => unknown;
  readonly derivative: (result: unknown) => Float64Array;
}

/** The prepared and the unprepared row of one operator on one engine. */
export function diffintVariants(row: EngineRow, calls: OperatorCalls, engines: Engines): Variant[] {
  const tfSetup = row.tf;
  const common = {
    backend: row.backend,
    operator: calls.operator,
    derivative: calls.derivative,
    tolerance: row.tolerance,
    ...(tfSetup ? { raw: `tf raw/${tfSetup}`, liveTensors: () => engines.tf.memory().numTensors } : {}),
  };
  const select = async () => {
    if (tfSetup) await useTfBackend(tfSetup);
  };
  const activation = tfSetup ? { activate: select } : {};
  let prepared: () => unknown = () => {
    throw new Error('not prepared');
  };
  let backend: Backend | null = null;
  return [
    {
      ...common,
      ...activation,
      mode: 'prepared',
      init: async () => {
        await select();
        prepared = calls.prepare(row.make());
      },
      run: () => prepared(),
    },
    {
      ...common,
      ...activation,
      mode: 'unprepared',
      init: async () => {
        await select();
        backend = row.make();
      },
      run: () => calls.once(backend!),
    },
  ];
}

/**
 * A prepared row of `f` marked with `replay(f)` on a float64 IR engine: later calls run the
 * compiled program without running f (see packages/core/README.md, "Replay").
 */
export function replayVariant(
  backend: string,
  make: () => Backend,
  operator: string,
  prepare: (backend: Backend) => () => unknown,
  derivative: (result: unknown) => Float64Array,
): Variant {
  let prepared: () => unknown = () => {
    throw new Error('not prepared');
  };
  return {
    backend: `${backend} (replay)`,
    operator,
    mode: 'prepared',
    derivative,
    tolerance: tolerance.float64,
    init: async () => {
      prepared = prepare(make());
    },
    run: () => prepared(),
  };
}
