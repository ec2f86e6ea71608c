/**
 * What a scenario hands the runner: one `Case` per size, each with the baselines every ratio
 * is taken against and the variants (a backend, an operator, a calling mode) to time.
 */

/** How a variant is called: through a prepared object, a one-shot operator, or an engine's own API. */
export type Mode = 'prepared' | 'unprepared' | 'direct';

export interface Variant {
  /** 'tape', 'forward', 'finite-diff', 'tfjs/wasm', 'tf raw/wasm', 'jax-js/wasm', 'forward-over-tape', … */
  readonly backend: string;
  readonly operator: string;
  readonly mode: Mode;
  /** Runs once, before the check and the timing: selects a TensorFlow.js backend, prepares. */
  readonly init?: () => Promise<void>;
  /** Runs before each round of timing: selects the TensorFlow.js backend the row runs on. */
  readonly activate?: () => Promise<void>;
  /** One call, as a user makes it: plain inputs in, plain results out. */
  readonly run: () => unknown;
  /** The derivative part of a call's result, flattened, for the check against the hand-written one. */
  readonly derivative: (result: unknown) => Float64Array;
  /** Largest relative error (to the reference's largest entry) that still counts as correct. */
  readonly tolerance: number;
  /** The `backend` of the direct variant this one is an adapter over (its time is the ÷ raw denominator). */
  readonly raw?: string;
  /** Live TensorFlow.js tensors, to report a leak. */
  readonly liveTensors?: () => number;
}

export interface Skip {
  readonly backend: string;
  readonly reason: string;
}

export interface Case {
  readonly scenario: string;
  /** The x-axis of the chart: input length, parameter count, grid unknowns, loop length. */
  readonly size: number;
  /** What `size` counts: 'n', 'parameters', 'unknowns (2N²)', … */
  readonly sizeUnit: string;
  /** f alone, through core math on plain values. */
  readonly f: () => unknown;
  /** The same derivative written by hand in plain JS: the practical limit. */
  readonly hand: () => unknown;
  /** The hand-written derivative of one call, flattened: the reference every variant is checked against. */
  readonly reference: Float64Array;
  readonly variants: readonly Variant[];
  readonly skipped: readonly Skip[];
  /** Scalar ops one call of f performs, where time per op is reported (the scalar loop). */
  readonly opsPerCall?: number;
  /** What the case's rows mean beyond the ratios (shown under the table). */
  readonly note?: string;
}

export interface Scenario {
  readonly name: string;
  readonly title: string;
  /** The sizes of a full run and of a smoke run. */
  readonly sizes: { readonly full: readonly number[]; readonly smoke: readonly number[] };
  build(size: number, engines: import('./engines.js').Engines): Case | Promise<Case>;
}
