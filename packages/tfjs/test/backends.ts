/**
 * The TensorFlow.js backends the suite runs on. '@tensorflow/tfjs' registers the cpu backend and
 * every gradient (tfjs-core alone registers none); the wasm backend loads its .wasm binary from
 * the package's dist directory, given as a file path on Node.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);
setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);

export const backends = ['cpu', 'wasm'] as const;

export async function useBackend(name: (typeof backends)[number]): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`the TensorFlow.js backend '${name}' did not start`);
  await tf.ready();
}

export function liveTensors(): number {
  return tf.memory().numTensors;
}
