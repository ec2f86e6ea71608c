import type { BatchResult, Engine, LeafFn, PrepKey, Value } from '@diffint/core/engine';
import { allPlain, allPlainSeeds, ownCopy } from './leaves.js';
import { type FiniteDiffOptions, type Scheme, resolveOptions } from './options.js';
import { plainJacobian, plainPushforward } from './plain.js';
import { stencil } from './stencil.js';
import { baseStep, differencesOfDifferences, enterCall, leaveCall } from './steps.js';
import { tracedJacobian, tracedPushforward } from './traced.js';
import { acquireWork, releaseWork } from './work.js';

export interface FiniteDiffEngine extends Engine {
  readonly name: 'finiteDiff';
  readonly scheme: Scheme;
  /** Levels of Richardson extrapolation (0: none). */
  readonly richardson: number;
  /** The relative step given in the options, or undefined for the standard step of the scheme. */
  readonly step: number | undefined;
}

/**
 * Finite differences: f runs on plain values only, so any JS function of numbers and
 * Float64Arrays can be differentiated, including black-box code. Float64, forward mode: a
 * Jacobian costs one set of evaluations per input coordinate.
 */
export function finiteDiff(options: FiniteDiffOptions = {}): FiniteDiffEngine {
  const { scheme, step, levels } = resolveOptions(options);
  const st = stencil(scheme, levels);

  /** Evaluates f at x first (the state the buffers keep), then runs `body` with the step to use. */
  function differentiate<R>(
    f: LeafFn,
    xs: readonly Value[],
    body: (y: readonly Value[], base: number) => R,
  ): R {
    const mark = enterCall();
    try {
      const y = f(xs).map(ownCopy);
      return body(y, baseStep(st, step, differencesOfDifferences(mark)));
    } finally {
      leaveCall();
    }
  }

  return {
    kind: 'engine',
    name: 'finiteDiff',
    precision: 'float64',
    mode: 'forward',
    scheme,
    richardson: levels,
    step,
    pushforward(f: LeafFn, xs, tangents, key: PrepKey): BatchResult {
      return differentiate(f, xs, (ys, base) => {
        if (allPlain(xs) && allPlain(ys) && allPlainSeeds(tangents)) {
          const work = acquireWork(key, xs);
          try {
            return { ys, results: plainPushforward(f, xs, ys, tangents, st, base, work) };
          } finally {
            releaseWork(work);
          }
        }
        return { ys, results: tangents.map((t) => tracedPushforward(f, xs, ys, t, st, base)) };
      });
    },
    jacobian(f: LeafFn, xs, key: PrepKey) {
      return differentiate(f, xs, (ys, base) => {
        if (allPlain(xs) && allPlain(ys)) {
          const work = acquireWork(key, xs);
          try {
            return { ys, jacobian: plainJacobian(f, xs, ys, st, base, work) };
          } finally {
            releaseWork(work);
          }
        }
        return { ys, jacobian: tracedJacobian(f, xs, ys, st, base) };
      });
    },
  };
}
