// tfjs-core and the wasm backend, as the adapter's README sets it up on Node.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { check } from './check.mjs';

const wasm = createRequire(import.meta.url).resolve(
  '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
);
setWasmPaths(`${dirname(wasm)}/`);
if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
check('@tensorflow/tfjs-core with @tensorflow/tfjs-backend-wasm');
