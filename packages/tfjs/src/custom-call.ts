/**
 * A custom call (`customRule`, `differentiateWith`) as a TensorFlow.js op: `tf.customGrad` with
 * f evaluated on plain values as the op's value, and the call's own VJP as its gradient. The VJP
 * runs on traced values wrapping the saved inputs and the output's gradient, so its ops are
 * TensorFlow.js ops that its tape differentiates again (the double-VJP pushforward, gradients of
 * gradients); a black box's VJP is itself a custom call, lowered here in turn.
 */
import {
  type CustomCallParams,
  Tracer,
  UnsupportedOperatorError,
  type Value,
  primitives,
} from '@diffint/core/engine';
import * as tf from '@tensorflow/tfjs';
import { toPlain, toTensor } from './convert.js';
import { TfTrace, TfTracer } from './trace.js';

type Tensor = tf.Tensor;

/** f(...args) with the rules of `params.call` as its gradient. */
export function customCall(args: readonly Tensor[], params: CustomCallParams): Tensor {
  const prim = primitives.customCall;
  return tf.customGrad((...xs) => {
    const save = xs.pop() as tf.GradSaveFunc;
    const inputs = xs as Tensor[];
    save(inputs);
    const value = toTensor(prim.impl(inputs.map(toPlain), params));
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        try {
          return gradients(dy, saved, params);
        } catch (error) {
          // Thrown through TensorFlow.js's backward pass, it would leave the pass's tensors undisposed.
          failure ??= { error };
          return saved.map((t) => tf.zeros(t.shape));
        }
      },
    };
  })(...args);
}

let failure: { readonly error: unknown } | null = null;

/** The first error a rule threw during the last backward pass, if any (cleared): rethrown after it. */
export function takeRuleFailure(): { readonly error: unknown } | null {
  const f = failure;
  failure = null;
  return f;
}

/** One gradient per input: the call's VJP, run on this pass's tensors (zeros for its constants). */
function gradients(dy: Tensor, saved: readonly Tensor[], params: CustomCallParams): Tensor[] {
  const prim = primitives.customCall;
  const trace = new TfTrace();
  try {
    const primals = saved.map((t) => trace.input(t));
    const needs = saved.map((_, i) => i < params.active);
    const ct = trace.input(dy);
    const gs = prim.vjp(ct, primals, ct, params, needs);
    return saved.map((t, i) => tensorOf(trace, gs[i] ?? null, t.shape));
  } finally {
    trace.finish();
  }
}

function tensorOf(trace: TfTrace, g: Value | null, shape: readonly number[]): Tensor {
  if (g === null) return tf.zeros([...shape]);
  if (g instanceof TfTracer && g.trace === trace) return g.tensor;
  if (g instanceof Tracer) {
    throw new UnsupportedOperatorError(
      'tfjs',
      `a derivative rule that returns a value of the ${g.trace.engine} engine`,
      'A rule must compute with its arguments only.',
    );
  }
  return toTensor(g);
}
