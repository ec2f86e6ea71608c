/**
 * Reverse rules derived from forward ones, as JAX derives them: a JVP rule is linear in the
 * tangents, so running it on the tangents of a linear trace records the linear ops it applies to
 * them (everything computed from primals alone runs as usual, one level down), and walking those
 * ops backwards with each one's own VJP — which, for an op linear in the argument, is its
 * transpose — gives the cotangents. A primitive whose definition states no VJP gets this one.
 */
import { InvalidInputError } from '../errors.js';
import * as m from '../math/ops.js';
import type { Primitive, PrimitiveDef, PrimitiveName, PrimitiveParams, Tangent } from '../primitive.js';
import { Trace, Tracer, type Value, shapeOf } from '../trace.js';
import type { Shape } from '../values.js';

/** A rule that is not linear in its tangents: it cannot be transposed. */
export class NonLinearRuleError extends InvalidInputError {}

class LinearTracer extends Tracer {
  constructor(
    readonly trace: LinearTrace,
    readonly shape: Shape,
    readonly id: number,
  ) {
    super();
  }
}

interface LinearEqn {
  readonly prim: Primitive<PrimitiveName>;
  readonly args: readonly Value[];
  readonly params: PrimitiveParams[PrimitiveName];
  readonly out: LinearTracer;
}

/** Records the ops applied to tangents; checks each is linear in the tangents it gets. */
export class LinearTrace extends Trace {
  readonly engine = 'transposition';
  readonly eqns: LinearEqn[] = [];
  private count = 0;

  /** `rule`: what the error messages call the rule being linearised. */
  constructor(private readonly rule: string) {
    super();
  }

  tangent(shape: Shape): LinearTracer {
    return new LinearTracer(this, shape, this.count++);
  }

  process<N extends PrimitiveName>(
    prim: Primitive<N>,
    args: readonly Value[],
    params: PrimitiveParams[N],
  ): Value {
    const c = prim.classification;
    let linearArgs = 0;
    for (let i = 0; i < args.length; i++) {
      if (!this.owns(args[i]!)) continue;
      linearArgs++;
      const dep = c.args[Math.min(i, c.args.length - 1)];
      if (dep !== 'linear' || (c.bilinear && linearArgs > 1)) {
        throw new NonLinearRuleError(
          `${this.rule} is not linear in its tangents: it applies '${prim.name}' to a tangent ` +
            `(as argument ${i}${c.bilinear && linearArgs > 1 ? ', times another tangent' : ''}), so no reverse ` +
            'rule can be derived from it. Write the rule with linear ops of the tangents (multiply them by ' +
            'values computed from the primals), or state a reverse rule too.',
        );
      }
    }
    const shape = prim.shape(args.map(shapeOf), params);
    const out = this.tangent(shape);
    this.eqns.push({
      prim: prim as Primitive<PrimitiveName>,
      args,
      params: params as PrimitiveParams[PrimitiveName],
      out,
    });
    return out;
  }

  primal(_t: Tracer): Value {
    throw new NonLinearRuleError(
      `${this.rule} read the value of a tangent (with value(), or as a number): a derivative rule ` +
        'may only apply linear ops to tangents.',
    );
  }

  owns(v: Value): v is LinearTracer {
    return v instanceof LinearTracer && v.trace === this;
  }

  /**
   * The cotangents of `inputs` for the cotangent `ct` of `out`, by the transposes of the recorded
   * ops in reverse order. Call after the trace has finished.
   */
  transpose(out: Tangent, ct: Value, inputs: readonly (LinearTracer | null)[]): Tangent[] {
    if (out === null || !this.owns(out)) return inputs.map(() => null);
    return this.transposeAll([out], [ct], inputs);
  }

  /**
   * The cotangents of `inputs` for the cotangents `seeds[j]` of several outputs `outs[j]` (a null
   * or a value not of this trace contributes nothing). Call after the trace has finished.
   */
  transposeAll(
    outs: readonly Tangent[],
    seeds: readonly Tangent[],
    inputs: readonly (LinearTracer | null)[],
  ): Tangent[] {
    const cts = new Array<Value | undefined>(this.count);
    outs.forEach((out, j) => {
      const seed = seeds[j];
      if (out === null || seed == null || !this.owns(out)) return;
      const prev = cts[out.id];
      cts[out.id] = prev === undefined ? seed : m.add(prev, seed);
    });
    for (let j = this.eqns.length - 1; j >= 0; j--) {
      const e = this.eqns[j]!;
      const g = cts[e.out.id];
      if (g === undefined) continue;
      const needs = e.args.map((a) => this.owns(a));
      const gs = e.prim.vjp(g, e.args, e.out, e.params as never, needs);
      for (let i = 0; i < e.args.length; i++) {
        const a = e.args[i]!;
        const gi = gs[i];
        if (gi == null || !needs[i]) continue;
        const id = (a as LinearTracer).id;
        const prev = cts[id];
        cts[id] = prev === undefined ? gi : m.add(prev, gi);
      }
    }
    return inputs.map((t) => (t === null ? null : (cts[t.id] ?? null)));
  }
}

/** The VJP of `prim` derived by transposing its JVP rule. */
export function transposedVjp<N extends string, P>(
  prim: PrimitiveDef<N, P>,
  ct: Value,
  primals: readonly Value[],
  out: Value,
  params: P,
  needs: readonly boolean[],
): Tangent[] {
  if (!needs.includes(true)) return primals.map(() => null);
  const trace = new LinearTrace(`the JVP rule of '${prim.name}'`);
  let inputs: (LinearTracer | null)[];
  let t: Tangent;
  try {
    inputs = primals.map((p, i) => (needs[i] ? trace.tangent(shapeOf(p)) : null));
    t = prim.jvp(inputs, primals, out, params);
  } finally {
    trace.finish();
  }
  return trace.transpose(t, ct, inputs);
}
