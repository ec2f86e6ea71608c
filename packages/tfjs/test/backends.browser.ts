/**
 * The TensorFlow.js backend the whole suite runs on in the browser: cpu, whose float32 kernels
 * are those of the Node run, so every tolerance holds as it is. The webgl backend computes
 * exp, sin and cos in shaders to about 2e-4 relative; test/browser/webgl.test.ts checks every
 * operator on it at that precision. Stands in for backends.ts, which loads wasm from a file.
 */
import * as tf from '@tensorflow/tfjs';

export const backends = ['cpu'] as const;

export async function useBackend(name: (typeof backends)[number]): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`the TensorFlow.js backend '${name}' did not start`);
  await tf.ready();
}

export function liveTensors(): number {
  return tf.memory().numTensors;
}
