/**
 * x ↦ sum(network(params)) + x, with the network's parameters enclosed in the closure or passed
 * as `constant(params)`. The derivative is 1 whatever the network; an engine that treated the
 * enclosed parameters as active would pay for differentiating the whole network. f itself must
 * still evaluate the network, so the cost of interest is the derivative's time ÷ f's.
 */
import { NDArray, constant, prepareDerivative, valueAndDerivative } from '@diffint/core';
import * as m from '@diffint/core/math';
import type { Engines } from '../engines.js';
import type { Case, Scenario } from '../types.js';
import { diffintVariants, engineRows } from '../variants.js';

type Network = { W: NDArray; u: Float64Array };

/** One bias-free tanh layer [k, k] applied to a fixed input: k² parameters. */
const network = (p: Network) => m.tanh(m.matvec(p.W, p.u));

/** The value, and the derivative 1, in plain JS (the value needs the network all the same). */
function byHand(p: Network, x: number): [number, number] {
  const k = p.u.length;
  let s = 0;
  for (let i = 0; i < k; i++) {
    let z = 0;
    for (let j = 0; j < k; j++) z += p.W.data[i * k + j]! * p.u[j]!;
    s += Math.tanh(z);
  }
  return [s + x, 1];
}

function build(parameters: number, engines: Engines): Case {
  const k = Math.round(Math.sqrt(parameters));
  const params: Network = {
    W: new NDArray(
      Float64Array.from({ length: k * k }, (_, i) => Math.sin(i) / Math.sqrt(k)),
      [k, k],
    ),
    u: Float64Array.from({ length: k }, (_, i) => Math.cos(i)),
  };
  const x = 0.3;
  const enclosed = (t: m.Value) => m.add(m.sum(network(params)), t);
  const passed = (t: m.Value, p: Network) => m.add(m.sum(network(p)), t);
  const { rows, skipped } = engineRows(engines, parameters);
  const derivative = (r: unknown) => Float64Array.of((r as [number, number])[1]);
  const variants = rows.flatMap((row) => [
    ...diffintVariants(
      row,
      {
        operator: 'valueAndDerivative (enclosed)',
        prepare: (b) => {
          const p = prepareDerivative(enclosed, b, x);
          return () => p.valueAndDerivative(x);
        },
        once: (b) => valueAndDerivative(enclosed, b, x),
        derivative,
      },
      engines,
    ),
    ...diffintVariants(
      row,
      {
        operator: 'valueAndDerivative (constant)',
        prepare: (b) => {
          const p = prepareDerivative(passed, b, x, constant(params));
          return () => p.valueAndDerivative(x, constant(params));
        },
        once: (b) => valueAndDerivative(passed, b, x, constant(params)),
        derivative,
      },
      engines,
    ),
  ]);
  const tape = engines.tape();
  valueAndDerivative(enclosed, tape, x);
  return {
    scenario: 'constant-network',
    size: parameters,
    sizeUnit: 'parameters',
    f: () => enclosed(x),
    hand: () => byHand(params, x),
    reference: Float64Array.of(1),
    variants,
    skipped,
    note: `A tanh layer [${k}, ${k}]; the tape records ${tape.lastTapeLength} op(s) per call.`,
  };
}

export const constantNetworkScenario: Scenario = {
  name: 'constant-network',
  title: 'sum(network(params)) + x, enclosed params',
  sizes: { full: [1e2, 1e4, 1e6], smoke: [1e2] },
  build,
};
