/**
 * The pieces every operator of the engine is built from: TensorFlow.js's gradient call, made
 * safe for exceptions and for inputs f does not use, and a pass that evaluates f in a trace.
 */
import { type LeafFn, type Value, handOver, isTracer } from '@diffint/core/engine';
import * as m from '@diffint/core/math';
import * as tf from '@tensorflow/tfjs';
import { takeRuleFailure } from './custom-call.js';
import { TfTrace } from './trace.js';

export interface Gradients {
  readonly value: tf.Tensor;
  /** One per input; `undefined` where y does not depend on that input. */
  readonly grads: readonly (tf.Tensor | undefined)[];
}

/**
 * y = fn() and dy/dx for each x, by TensorFlow.js's engine. This is the call behind
 * `tf.valueAndGrads`, which throws for an input y does not depend on; here its gradient is
 * zero. Nested inside another call, the gradient is itself recorded, which is how second
 * derivatives are computed. An exception in fn is held until the call has returned, because
 * one thrown through it leaves the tensors TensorFlow.js saved for the backward pass undisposed.
 */
export function gradientsOf(fn: () => tf.Tensor, xs: readonly tf.Tensor[]): Gradients {
  if (xs.length === 0) return { value: fn(), grads: [] };
  let failure: { readonly error: unknown } | null = null;
  const r = tf.engine().gradients(
    () => {
      try {
        return fn();
      } catch (error) {
        failure = { error };
        return tf.scalar(0);
      }
    },
    [...xs],
    undefined,
    true,
  );
  const late = takeRuleFailure();
  if (failure !== null) throw (failure as { readonly error: unknown }).error;
  if (late !== null) throw late.error;
  return r;
}

/** One evaluation of f in its own trace: the trace and f's inputs as tensors. */
export class Pass {
  readonly trace = new TfTrace();
  readonly inputs: readonly tf.Tensor[];

  constructor(xs: readonly Value[]) {
    try {
      this.inputs = xs.map((x) => this.trace.inputTensor(x));
    } catch (e) {
      // A pass that cannot start must not stay in progress: later passes would nest in it.
      this.trace.finish();
      throw e;
    }
  }

  /**
   * Evaluates f and hands its outputs to `use`. The trace ends before this returns, while its
   * tensors are alive, so the buffers f wrote settle to their values.
   */
  run<T>(f: LeafFn, use: (outs: readonly Value[]) => T): T {
    const trace = this.trace;
    try {
      return use(f(this.inputs.map((t) => trace.input(t))));
    } finally {
      trace.finish();
    }
  }

  /** Gradients as values of the given shapes, for the caller (zero where there is none). */
  results(grads: readonly (tf.Tensor | undefined)[], shapes: readonly (readonly number[])[]): Value[] {
    return shapes.map((s, i) => {
      const g = grads[i];
      if (g === undefined) return m.zeros(s);
      // Read back into a fresh array nothing else holds: core may return it without a copy.
      const v = this.trace.result(g);
      return isTracer(v) ? v : handOver(v);
    });
  }
}

/**
 * Runs `body` with a new pass inside a tf.tidy, so every tensor it creates is disposed; what the
 * body computes leaves it through the closure (results are plain, or owned by an outer pass).
 */
export function inPass(xs: readonly Value[], body: (pass: Pass) => void): void {
  let pass: Pass | null = null;
  try {
    tf.tidy(() => {
      pass = new Pass(xs);
      body(pass);
    });
  } finally {
    const trace = (pass as Pass | null)?.trace;
    // Finished by `run` in the ordinary course; here also when the body failed before it ran f.
    if (trace?.active) trace.finish();
    trace?.release();
  }
}

/**
 * Σᵢ ⟨gᵢ, tᵢ⟩ over the gradients that exist and are not empty (TensorFlow.js cannot differentiate
 * a sum over zero elements twice).
 */
export function dotAll(grads: readonly (tf.Tensor | undefined)[], ts: readonly tf.Tensor[]): tf.Tensor {
  let total: tf.Tensor | null = null;
  grads.forEach((g, i) => {
    if (g === undefined || g.size === 0) return;
    const term = tf.sum(tf.mul(g, ts[i]!));
    total = total === null ? term : tf.add(total, term);
  });
  return total ?? tf.scalar(0);
}
