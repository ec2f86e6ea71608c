/**
 * The trace of one TensorFlow.js differentiation. Its values wrap tensors; every primitive applied
 * to them runs as the TensorFlow.js op of the table in ops.ts, so TensorFlow.js's tape sees the
 * whole computation. Like every traced value, a wrapped tensor refuses to become a JS number.
 */
import {
  NestingError,
  type Primitive,
  type PrimitiveName,
  type PrimitiveParams,
  Trace,
  Tracer,
  UnsupportedOperatorError,
  type Value,
  sameShape,
  shapeOf,
} from '@diffint/core/engine';
import { ShapeMismatchError, TraceEscapedError } from '@diffint/core';
import * as tf from '@tensorflow/tfjs';
import { toPlain, toTensor } from './convert.js';
import { type TfOp, tfOps } from './ops.js';

export class TfTracer extends Tracer {
  readonly shape: readonly number[];
  /** What `primal` returned for it, computed at most once. */
  primalValue: Value | undefined = undefined;

  constructor(
    readonly trace: TfTrace,
    readonly tensor: tf.Tensor,
  ) {
    super();
    this.shape = tensor.shape;
  }
}

/** The TensorFlow.js passes in progress, outermost first. */
const active: TfTrace[] = [];

/** Another engine's traced value reached TensorFlow.js, which can only differentiate its own tensors. */
export function nestingError(outer: string): NestingError {
  const why =
    outer === 'tfjs'
      ? 'its traced values come from a TensorFlow.js differentiation that is not an enclosing one.'
      : `TensorFlow.js differentiates its own tensors and cannot carry the ${outer} engine's traced values through them.`;
  // Differences of float32 gradients need a step near ∛ of float32's epsilon, not float64's.
  return new NestingError(outer, 'tfjs', why, 'secondOrder(finiteDiff({ step: 5e-3 }), tfjs())');
}

/**
 * One pass of a TensorFlow.js differentiation. Run inside another one (a second derivative by
 * nested operators, or secondOrder of two tfjs engines), it works on the outer pass's tensors:
 * TensorFlow.js records the inner gradient on its tape, so the outer one differentiates it.
 * Its results then stay tensors, owned by the outer pass (its `parent`) until that pass ends.
 */
export class TfTrace extends Trace {
  readonly engine = 'tfjs';
  /**
   * The innermost TensorFlow.js pass this one runs inside, if any. Its results are handed to it
   * even when this pass never reads one of its values directly: a pass in the middle of three
   * (d/dp of d/dx of d/dy) may depend on the outermost only through the innermost's results.
   */
  parent: TfTrace | null = active.at(-1) ?? null;
  /** This pass's values made of inner passes' results; their tensors are disposed by `release`. */
  private readonly adopted: TfTracer[] = [];

  constructor() {
    super();
    active.push(this);
  }

  override finish(): void {
    const i = active.lastIndexOf(this);
    if (i >= 0) active.splice(i, 1);
    super.finish();
  }

  /** An input of f: a tensor that TensorFlow.js differentiates with respect to. */
  input(t: tf.Tensor): TfTracer {
    return new TfTracer(this, t);
  }

  /**
   * A leaf of x as a fresh tensor. An outer pass's value is copied, connected to it on
   * TensorFlow.js's tape: a distinct tensor, so this pass differentiates with respect to its
   * own input only, and the outer pass still sees the dependence.
   */
  inputTensor(v: Value): tf.Tensor {
    return v instanceof Tracer ? tf.clone(this.tensorOf(v)) : toTensor(v);
  }

  process<N extends PrimitiveName>(
    prim: Primitive<N>,
    args: readonly Value[],
    params: PrimitiveParams[N],
  ): Value {
    const op = tfOps[prim.name] as TfOp<N> | undefined;
    if (op === undefined) {
      throw new UnsupportedOperatorError(
        'tfjs',
        `the primitive '${prim.name}'`,
        'It has no TensorFlow.js op in @diffint/tfjs; differentiate this function with tape() or forward().',
      );
    }
    // Shapes are checked by diffint's rule, so a mismatch is reported as on every other engine.
    prim.shape(args.map(shapeOf), params);
    return new TfTracer(
      this,
      op(
        args.map((a) => this.tensorOf(a)),
        params,
      ),
    );
  }

  /** One level down: plain values, or the outer pass's value when this pass is nested. */
  primal(t: Tracer): Value {
    const tt = t as TfTracer;
    if (tt.primalValue === undefined) {
      if (tt.tensor.isDisposed) throw new TraceEscapedError('tfjs', 'reading its value');
      tt.primalValue = this.result(tt.tensor);
    }
    return tt.primalValue;
  }

  /** A tensor computed by this pass, as what the caller receives: plain, or the outer pass's value. */
  result(t: tf.Tensor): Value {
    return this.parent === null ? toPlain(t) : this.parent.adopt(t);
  }

  /** A value as a tensor: this pass's own or an outer pass's, or a fresh constant for a plain value. */
  tensorOf(v: Value): tf.Tensor {
    if (v instanceof TfTracer) {
      if (v.trace === this) return v.tensor;
      if (v.trace.id < this.id) {
        if (!v.trace.active) throw new TraceEscapedError('tfjs', 'an input of a tfjs differentiation');
        if (this.parent === null || v.trace.id > this.parent.id) this.parent = v.trace;
        return v.tensor;
      }
    }
    if (v instanceof Tracer) throw nestingError(v.trace.engine);
    return toTensor(v);
  }

  /** An output of f as the caller receives it. */
  outputOf(v: Value): Value {
    if (v instanceof TfTracer && v.trace === this) return this.primal(v);
    if (v instanceof Tracer) this.tensorOf(v);
    return v;
  }

  /**
   * Ends the pass's hold on tensors of inner passes. Call after the pass has ended and its
   * gradients are read. Their values are read first: a buffer state saved during an inner pass
   * (by the journal of an operator that evaluates f several times) may hold them and is settled
   * to primal values after this pass has ended.
   */
  release(): void {
    for (const t of this.adopted) {
      if (t.primalValue === undefined) t.primalValue = this.result(t.tensor);
      t.tensor.dispose();
    }
    this.adopted.length = 0;
  }

  /** An inner pass's result as this pass's value: a copy connected on the tape, kept until `release`. */
  private adopt(t: tf.Tensor): TfTracer {
    const own = new TfTracer(this, tf.keep(tf.clone(t)));
    this.adopted.push(own);
    return own;
  }

  /**
   * Σⱼ ⟨seedⱼ, outⱼ⟩ as a scalar tensor: its gradient is Jᵀ·seed. Outputs that are not this
   * trace's values do not depend on x and are left out; a lone scalar output with seed 1 is
   * returned as it is, which is exactly what a gradient asks for.
   */
  innerProduct(outs: readonly Value[], seeds: readonly Value[]): tf.Tensor {
    if (seeds.length !== outs.length) {
      throw new ShapeMismatchError(
        `a seed has ${seeds.length} leaves but the output of f has ${outs.length}; they must match.`,
      );
    }
    let total: tf.Tensor | null = null;
    outs.forEach((out, j) => {
      const seed = seeds[j]!;
      if (!sameShape(shapeOf(seed), shapeOf(out))) {
        throw new ShapeMismatchError(
          `seed leaf ${j} has shape [${shapeOf(seed).join(', ')}] but output leaf ${j} of f has shape [${shapeOf(out).join(', ')}].`,
        );
      }
      // an output that does not depend on x, or an empty one (TensorFlow.js cannot differentiate
      // a sum over zero elements twice)
      if (!(out instanceof TfTracer && out.trace === this) || out.size === 0) return;
      const term =
        outs.length === 1 && seed === 1 ? out.tensor : tf.sum(tf.mul(this.tensorOf(seed), out.tensor));
      total = total === null ? term : tf.add(total, term);
    });
    return total ?? tf.scalar(0);
  }
}
