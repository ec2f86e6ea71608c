/**
 * Trains a small MLP (1 → 16 → 16 → 1, tanh) to fit y = sin(3x) on [−1, 1] with Adam, the
 * gradient taken by the engine named on the command line:
 *
 *   node dist/main.js --engine=tape|forward|tfjs|finite-diff [--steps=N]
 *
 * The parameters are a pytree ({ layers: [{ W, b }, …] }) and the gradient has its structure.
 * Exits non-zero unless the mean squared error falls below 5e-3 (from about 1.1 at the start).
 */
import { type Backend, constant, NDArray, prepareGradient } from '@diffint/core';
import * as m from '@diffint/core/math';
import { finiteDiff } from '@diffint/finite-diff';
import { forward } from '@diffint/forward';
import { tape } from '@diffint/tape';
import { tfjs } from '@diffint/tfjs';
import * as tf from '@tensorflow/tfjs';
import { type Params, adam, initParams } from './adam.js';

const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const engineName = option('engine') ?? 'tape';
const engines: Record<string, () => Backend> = { tape, forward, tfjs, 'finite-diff': finiteDiff };
const make = engines[engineName];
if (make === undefined) {
  console.error(`unknown engine '${engineName}': use one of ${Object.keys(engines).join(', ')}`);
  process.exit(2);
}
if (engineName === 'tfjs') await tf.setBackend('cpu');

// 64 points of y = sin(3x) on [−1, 1], as a batch of rows.
const n = 64;
const xs = Float64Array.from({ length: n }, (_, i) => -1 + (2 * i) / (n - 1));
const X = new NDArray(xs, [n, 1]);
const Y = new NDArray(
  xs.map((x) => Math.sin(3 * x)),
  [n, 1],
);

type Traced = { layers: { W: m.Value; b: m.Value }[] };
function mlp(p: Traced, input: m.Value): m.Value {
  let h = input;
  p.layers.forEach((layer, i) => {
    const z = m.add(m.matmul(h, layer.W), layer.b);
    h = i < p.layers.length - 1 ? m.tanh(z) : z;
  });
  return h;
}
const loss = (p: Traced, input: NDArray, target: NDArray) => m.mean(m.square(m.sub(mlp(p, input), target)));

const params: Params = initParams([1, 16, 16, 1], 7);
const steps = Number(option('steps') ?? (engineName === 'finite-diff' ? 300 : 1000));
const prep = prepareGradient(loss, make(), params, constant(X), constant(Y));
const step = adam(params, { learningRate: 0.005 });
const start = performance.now();
let first = Number.NaN;
let last = Number.NaN;
for (let k = 0; k < steps; k++) {
  const [value, grad] = prep.valueAndGradient(params, constant(X), constant(Y));
  if (k === 0) first = value;
  last = value;
  step(grad);
  if (k % 200 === 0) console.log(`step ${k}: loss ${value.toExponential(3)}`);
}
const seconds = (performance.now() - start) / 1000;
console.log(
  `${engineName}: ${steps} Adam steps in ${seconds.toFixed(1)} s, loss ${first.toFixed(3)} → ${last.toExponential(3)}`,
);
if (!(last < 5e-3)) {
  console.error(`${engineName}: the loss did not fall below 5e-3`);
  process.exit(1);
}
