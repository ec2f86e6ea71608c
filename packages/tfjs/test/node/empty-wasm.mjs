// Products with a zero-sized dimension on the wasm backend, forward and in gradients.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { gradient, hvp, jacobian, NDArray, pullback } from '@diffint/core';
import * as m from '@diffint/core/math';
import { tfjs } from '@diffint/tfjs';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const wasm = createRequire(import.meta.url).resolve(
  '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
);
setWasmPaths(`${dirname(wasm)}/`);
if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');

const none = (rows, cols) => new NDArray(new Float64Array(rows * cols), [rows, cols]);
const x3 = Float64Array.of(1, 2, 3);
const results = [
  // [0, 3] · x: an empty output; the gradient's product Mᵀ · ct has k = 0
  gradient((x) => m.add(m.sum(m.matvec(none(0, 3), x)), m.sum(m.square(x))), tfjs(), x3),
  // [2, 0] · x with x empty: k = 0 forward, an all-zero [2] output
  jacobian((x) => m.matvec(none(2, 0), x), tfjs(), new Float64Array(0)).data,
  pullback((x) => m.matmul(none(2, 0), m.reshape(x, [0, 1])), tfjs(), new Float64Array(0), [none(2, 1)])[0],
  hvp((x) => m.add(m.sum(m.matvec(none(0, 3), x)), m.sum(m.square(x))), tfjs(), x3, [x3])[0],
];
const got = results.map((r) => Array.from(r));
const want = [[2, 4, 6], [], [], [2, 4, 6]];
if (JSON.stringify(got) !== JSON.stringify(want)) {
  console.error(`got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  process.exit(1);
}
console.log('empty products on wasm: ok');
