/**
 * Every primitive of the table is reached by some scenario: each scenario's f runs under a trace
 * that records the primitives handed to it and evaluates them one level down. A second-order
 * scenario also runs with an engine's derivative under the recording trace, so the primitives its
 * rules apply (the rules of the rules) count as reached.
 */
import { type Backend, type Engine, inPlace, pushforward, secondOrder } from '@diffint/core';
import * as core from '@diffint/core';
import {
  type Primitive,
  type PrimitiveName,
  type PrimitiveParams,
  Trace,
  Tracer,
  type Value,
  bind,
  primitives,
  shapeOf,
} from '@diffint/core/engine';
import * as m from '@diffint/core/math';
import { forward } from '@diffint/forward';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';
import { drivers } from '../src/operators.js';
import { type Scenario, scenarios, seedLike } from '../src/index.js';

class RecordingTracer extends Tracer {
  constructor(
    readonly trace: RecordingTrace,
    readonly primal: Value,
    readonly shape: readonly number[],
  ) {
    super();
  }
}

class RecordingTrace extends Trace {
  readonly engine = 'recording';

  constructor(readonly seen: Set<string>) {
    super();
  }

  process<N extends PrimitiveName>(prim: Primitive<N>, args: readonly Value[], params: PrimitiveParams[N]) {
    this.seen.add(prim.name);
    const primals = args.map((a) => (a instanceof RecordingTracer && a.trace === this ? a.primal : a));
    const out = bind(prim, primals, params);
    return new RecordingTracer(this, out, shapeOf(out));
  }

  override processElementwise(prim: Primitive): null {
    this.seen.add(prim.name);
    return null;
  }

  primal(t: Tracer): Value {
    return (t as RecordingTracer).primal;
  }
}

/** An engine whose pushforward runs f once under a recording trace; its tangents are zeros. */
function recorder(seen: Set<string>): Engine {
  return {
    kind: 'engine',
    name: 'recording',
    precision: 'float64',
    mode: 'forward',
    pushforward(f, xs, tangents) {
      const trace = new RecordingTrace(seen);
      try {
        const ys = f(xs.map((x) => new RecordingTracer(trace, x, shapeOf(x)))).map((y) =>
          y instanceof RecordingTracer && y.trace === trace ? y.primal : y,
        );
        return { ys, results: tangents.map(() => ys.map((y) => m.zerosLike(y))) };
      } finally {
        trace.finish();
      }
    },
  };
}

/** Runs f of `s` under the recording trace: alone, and for second order under each inner engine. */
function record(s: Scenario, seen: Set<string>): void {
  const body = typeof s.f === 'function' ? s.f : s.f.build(tape());
  const f: any = s.inPlace === undefined ? body : inPlace(body, s.inPlace);
  const contexts = s.contexts ?? [];
  const attempt = (run: () => unknown) => {
    try {
      run();
    } catch {
      // A scenario that expects a refusal throws; what it reached before that still counts.
    }
  };
  attempt(() => pushforward(f, recorder(seen), s.x, [seedLike(s.x, 1)], ...contexts));
  if (drivers[s.operator].order === 2) {
    for (const inner of [tape(), forward()]) {
      const pair: Backend = secondOrder(recorder(seen), inner);
      attempt(() =>
        s.operator === 'secondDerivative'
          ? core.secondDerivative(f, pair, s.x as number, ...contexts)
          : core.hvp(f, pair, s.x, [seedLike(s.x, 2)], ...contexts),
      );
    }
  }
}

describe('primitive coverage', () => {
  const seen = new Set<string>();
  for (const s of scenarios) record(s, seen);
  const table = Object.keys(primitives);

  test('the recording trace sees what f applies', () => {
    const probe = new Set<string>();
    pushforward((x: m.Value) => m.sum(m.exp(x)), recorder(probe), Float64Array.of(1, 2), [
      Float64Array.of(0, 0),
    ]);
    expect([...probe].sort()).toEqual(['exp', 'sum']);
  });

  test('every primitive of the table is reached by at least one scenario', () => {
    const missing = table.filter((name) => !seen.has(name));
    process.stdout.write(
      `primitive coverage: ${table.length - missing.length} of ${table.length} primitives reached by ${scenarios.length} scenarios\n`,
    );
    expect(missing, `primitives no scenario reaches: ${missing.join(', ')}`).toEqual([]);
  });
});
