/**
 * A minimal forward-mode engine for tests: one dual-number pass per tangent, generic over the
 * primitive table. It declares only `pushforward`, so core derives every other operator from it
 * (Jacobians column by column, pullbacks and gradients from the Jacobian), and it evaluates f once
 * per tangent, which exercises the buffer journal.
 */
import type { Engine } from '@diffint/core';
import {
  type Primitive,
  type PrimitiveName,
  type PrimitiveParams,
  type Tangent,
  Trace,
  Tracer,
  type Value,
  bind,
  shapeOf,
} from '@diffint/core/engine';
import * as m from '@diffint/core/math';

class DualTracer extends Tracer {
  constructor(
    readonly trace: DualTrace,
    readonly primal: Value,
    readonly tangent: Tangent,
    readonly shape: readonly number[],
  ) {
    super();
  }
}

class DualTrace extends Trace {
  readonly engine = 'dual';

  process<N extends PrimitiveName>(prim: Primitive<N>, args: readonly Value[], params: PrimitiveParams[N]) {
    const own = args.map((a) => (a instanceof DualTracer && a.trace === this ? a : null));
    const primals = args.map((a, i) => own[i]?.primal ?? a);
    const out = bind(prim, primals, params);
    const tangents = own.map((o) => o?.tangent ?? null);
    const t = tangents.some((x) => x !== null) ? prim.jvp(tangents, primals, out, params) : null;
    return new DualTracer(this, out, t, shapeOf(out));
  }

  primal(t: Tracer): Value {
    return (t as DualTracer).primal;
  }
}

export interface DualEngine extends Engine {
  /** Evaluations of f so far. */
  readonly evaluations: number;
}

export function dual(options: { batchSize?: number } = {}): DualEngine {
  let evaluations = 0;
  return {
    kind: 'engine',
    name: 'dual',
    precision: 'float64',
    mode: 'forward',
    batchSize: options.batchSize ?? 1,
    get evaluations() {
      return evaluations;
    },
    pushforward(f, xs, tangents) {
      const pass = (seed: readonly Value[] | null) => {
        const trace = new DualTrace();
        try {
          evaluations++;
          const ys = f(xs.map((x, i) => new DualTracer(trace, x, seed?.[i] ?? null, shapeOf(x))));
          return ys.map((y) =>
            y instanceof DualTracer && y.trace === trace
              ? { y: y.primal, t: y.tangent ?? m.zerosLike(y.primal) }
              : { y, t: m.zerosLike(y) },
          );
        } finally {
          trace.finish();
        }
      };
      if (tangents.length === 0) return { ys: pass(null).map((o) => o.y), results: [] };
      const passes = tangents.map(pass);
      return { ys: passes[0]!.map((o) => o.y), results: passes.map((p) => p.map((o) => o.t)) };
    },
  };
}
