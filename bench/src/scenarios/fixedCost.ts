/**
 * The fixed cost of a prepared call: `gradientInto` of the Rosenbrock function at n = 3, where
 * f itself costs a few hundred nanoseconds, so what a call adds to f (checking its arguments,
 * the recording, converting results) is what is measured (the target: ≤ 5 × f on plain values).
 */
import { type Backend, prepareGradient, replay } from '@diffint/core';
import type { Engines } from '../engines.js';
import type { Case, Scenario, Variant } from '../types.js';
import { replayVariant, tolerance } from '../variants.js';
import { rosenbrock, rosenbrockByHand, rosenbrockPoint } from './rosenbrock.js';

const flatOut = (r: unknown) => r as Float64Array;

function build(n: number, engines: Engines): Case {
  const x = rosenbrockPoint(n);
  const prepareInto = (b: Backend) => {
    const out = new Float64Array(n);
    const p = prepareGradient(replay(rosenbrock), b, x);
    return () => p.gradientInto(out, x);
  };
  let ordinary: () => unknown = () => {
    throw new Error('not prepared');
  };
  const variants: Variant[] = [
    {
      backend: 'tape',
      operator: 'gradientInto',
      mode: 'prepared',
      derivative: flatOut,
      tolerance: tolerance.float64,
      init: async () => {
        const out = new Float64Array(n);
        const p = prepareGradient(rosenbrock, engines.tape(), x);
        ordinary = () => p.gradientInto(out, x);
      },
      run: () => ordinary(),
    },
    replayVariant('tape', engines.tape, 'gradientInto', prepareInto, flatOut),
  ];
  return {
    scenario: 'fixed-cost',
    size: n,
    sizeUnit: 'n',
    f: () => rosenbrock(x),
    hand: () => rosenbrockByHand(x),
    reference: rosenbrockByHand(x)[1],
    variants,
    skipped: [],
    note: 'Rosenbrock gradientInto on a prepared tape: the ÷ f column is the per-call overhead over f itself.',
  };
}

export const fixedCostScenario: Scenario = {
  name: 'fixed-cost',
  title: 'Fixed cost of a prepared gradientInto',
  sizes: { full: [3], smoke: [3] },
  build,
};
