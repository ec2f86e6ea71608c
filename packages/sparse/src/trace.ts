/**
 * Sparsity detection as an interpreter over the primitive table: each traced value carries, per
 * element, the set of inputs it depends on and (for Hessians) the pairs of inputs that interact
 * in it. No numbers are computed, so the pattern holds for every x.
 */
import { type Shape, UnsupportedOperatorError, isDiffError } from '@diffint/core';
import {
  type Plain,
  type Primitive,
  type PrimitiveName,
  type PrimitiveParams,
  Trace,
  Tracer,
  type Value,
  fromData,
  sameShape,
  shapeOf,
} from '@diffint/core/engine';
import { type Operand, type RuleContext, sizeOfShape } from './operand.js';
import { applyBinary, applyUnary, sparsityRules } from './rules.js';
import type { IndexSet, PairSet } from './sets.js';

/** A value under sparsity detection: per element, the inputs it depends on and the pairs that interact in it. */
export class SparsityTracer extends Tracer implements Operand {
  constructor(
    readonly trace: SparsityTrace,
    readonly shape: Shape,
    readonly g: readonly IndexSet[],
    readonly h: readonly PairSet[] | null,
  ) {
    super();
  }
}

/** The trace sparsity detection runs f in: its values carry index sets instead of numbers. */
export class SparsityTrace extends Trace {
  readonly engine = 'sparsity detection';
  private finishing = false;
  readonly ctx: RuleContext;

  constructor(n: number, second: boolean) {
    super();
    this.ctx = { n, second };
  }

  /** An input: element k of it depends on input `offset + k` alone. */
  input(shape: Shape, g: readonly IndexSet[], h: readonly PairSet[] | null): SparsityTracer {
    return new SparsityTracer(this, shape, g, h);
  }

  /** What a rule sees of a value: this trace's sets, or empty sets for anything else. */
  operand(v: Value): Operand {
    if (v instanceof SparsityTracer && v.trace === this) return v;
    return { shape: shapeOf(v), g: null, h: null };
  }

  process<N extends PrimitiveName>(
    prim: Primitive<N>,
    args: readonly Value[],
    params: PrimitiveParams[N],
  ): Value {
    if (prim.name === 'customCall') {
      const traced = this.throughBody(args, params as PrimitiveParams['customCall']);
      if (traced !== null) return traced;
    }
    const rule = sparsityRules[prim.name] as (typeof sparsityRules)[N];
    if (rule === undefined) {
      throw new UnsupportedOperatorError(
        'sparsity detection',
        `the primitive '${prim.name}', which has no sparsity rule`,
        `Add one to sparsityRules in @diffint/sparse, or pass the pattern yourself: sparse(backend, { pattern }).`,
      );
    }
    const shape = prim.shape(args.map(shapeOf), params);
    const ops = args.map((a) => this.operand(a));
    const sets =
      rule.kind === 'unary'
        ? applyUnary(rule, ops[0]!, this.ctx)
        : rule.kind === 'binary'
          ? applyBinary(rule, ops[0]!, ops[1]!, shape, this.ctx)
          : rule.apply(ops, params, shape, this.ctx);
    return new SparsityTracer(this, shape, sets.g, sets.h);
  }

  /**
   * A custom call traced through its f, where f is portable math that detection can run (the
   * exact pattern); null for a black box, which the conservative rule of the table then covers.
   */
  private throughBody(args: readonly Value[], params: PrimitiveParams['customCall']): Value | null {
    let y: Value | null;
    try {
      y = params.call.body(args, params);
    } catch (e) {
      if (isDiffError(e)) return null;
      throw e;
    }
    if (y === null || !sameShape(shapeOf(y), params.shape)) return null;
    return y instanceof Tracer && !(y instanceof SparsityTracer && y.trace === this) ? null : y;
  }

  /**
   * Only the buffers settling when detection ends get a primal (zeros, which the journal around
   * detection then discards); f asking for one would branch on x.
   */
  primal(t: Tracer): Value {
    if (this.finishing) return zerosOf(t.shape);
    throw new UnsupportedOperatorError(
      'sparsity detection',
      'value() of a value that depends on x (f branches on it)',
      'A global sparsity pattern holds for every x, so f cannot read x to choose what to compute: ' +
        'write the choice with m.where(cond, a, b) (both branches then count), or pass the pattern ' +
        'yourself: sparse(backend, { pattern }).',
    );
  }

  override finish(): void {
    this.finishing = true;
    super.finish();
  }
}

function zerosOf(shape: Shape): Plain {
  return shape.length === 0 ? 0 : fromData(new Float64Array(sizeOfShape(shape)), shape);
}
