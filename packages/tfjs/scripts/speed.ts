/**
 * valueAndGradient through the adapter against raw tf.valueAndGrads on the same function written
 * with tf ops, at n = 1e5 (the issue's target: at most 1.2× on wasm). A measurement, never a test:
 *   npx vitest run --config scripts/vitest.config.ts
 * "raw" reads its results like the adapter does; "raw + float64" also converts the float64 input
 * and output as the adapter must (diffint's values are float64); "engine alone" is tfjs()'s
 * pullback without the operator around it (argument checks, the copy of the result).
 */
import { prepareGradient, valueAndGradient } from '@diffint/core';
import * as m from '@diffint/core/math';
import * as tf from '@tensorflow/tfjs';
import { test } from 'vitest';
import { tfjs } from '../src/index.js';
import { useBackend } from '../test/backends.js';

/**
 * The median time of one call of each candidate. Candidates take turns, in batches, so that the
 * state of the heap and of the machine weighs on all of them alike.
 */
function timeAll(candidates: Record<string, () => void>, rounds: number, batch = 5): Record<string, number> {
  const samples: Record<string, number[]> = {};
  for (const [name, run] of Object.entries(candidates)) {
    for (let i = 0; i < 20; i++) run();
    samples[name] = [];
  }
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of Object.entries(candidates)) {
      const t0 = performance.now();
      for (let i = 0; i < batch; i++) run();
      samples[name]!.push((performance.now() - t0) / batch);
    }
  }
  return Object.fromEntries(
    Object.entries(samples).map(([name, ts]) => [name, ts.sort((p, q) => p - q)[Math.floor(ts.length / 2)]!]),
  );
}

test('speed', async () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    await useBackend(backend);
    const n = 1e5;
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i));
    const f = (x: m.Value) => m.sum(m.mul(x, m.sin(x)));
    const rawF = (x: tf.Tensor) => tf.sum(tf.mul(x, tf.sin(x)));
    const raw = tf.valueAndGrads(rawF);
    const xt = tf.tensor(new Float32Array(x));
    const rawOnTensor = () =>
      tf.tidy(() => {
        const r = raw([xt]);
        r.value.dataSync();
        r.grads[0]!.dataSync();
      });
    const rawWithConversion = () =>
      tf.tidy(() => {
        const r = raw([tf.tensor(new Float32Array(x))]);
        r.value.dataSync();
        new Float64Array(r.grads[0]!.dataSync());
      });
    const e = tfjs();
    const prep = prepareGradient(f, e, x);
    const adapter = () => valueAndGradient(f, e, x);
    const prepared = () => prep.valueAndGradient(x);
    // the engine on its own, without the operator's checks and its copy of the result
    const engineAlone = () =>
      e.pullback!(
        (xs) => [f(xs[0]!)],
        [x],
        () => [[1]],
        {},
      );
    const t = timeAll(
      { raw: rawOnTensor, rawConv: rawWithConversion, adapter, prepared, engine: engineAlone },
      40,
    );
    const [tRaw, tRawConv, tAd, tPrep, tEngine] = [t.raw!, t.rawConv!, t.adapter!, t.prepared!, t.engine!];
    const ms = (t: number) => `${t.toFixed(2)} ms`;
    const ratios = (t: number) =>
      `${(t / tRawConv).toFixed(2)}× raw + float64, ${(t / tRaw).toFixed(2)}× raw`;
    console.log(
      `${backend}, n = ${n}: raw ${ms(tRaw)}; raw + float64 ${ms(tRawConv)}; ` +
        `adapter ${ms(tAd)} (${ratios(tAd)}); prepared ${ms(tPrep)} (${ratios(tPrep)}); ` +
        `engine alone ${ms(tEngine)} (${ratios(tEngine)})`,
    );
    xt.dispose();
  }
}, 120_000);
