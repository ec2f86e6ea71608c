/**
 * The boundary between diffint's float64 values and TensorFlow.js's float32 tensors. Converting
 * rounds to float32 (about 7 significant digits); converting back is exact.
 */
import { type Plain, fromData, plainData, plainShape } from '@diffint/core/engine';
import * as tf from '@tensorflow/tfjs';

/** A fresh float32 tensor holding a plain value (it never shares memory with the value). */
export function toTensor(v: Plain): tf.Tensor {
  if (typeof v === 'number') return tf.scalar(v, 'float32');
  return tf.tensor(new Float32Array(plainData(v)), [...plainShape(v)], 'float32');
}

/** The values of a tensor as a fresh plain value: number, Float64Array or NDArray by rank. */
export function toPlain(t: tf.Tensor): Plain {
  return fromData(new Float64Array(t.dataSync()), t.shape);
}
