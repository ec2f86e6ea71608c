/**
 * The page's program: the same training loop with two engines, results shown in a table and a
 * chart of the loss curves, and left in `window.diffintResult` for the check that loads the page.
 */
import { type Backend, constant, NDArray, prepareGradient } from '@diffint/core';
import * as m from '@diffint/core/math';
import { tape } from '@diffint/tape';
import { tfjs } from '@diffint/tfjs';
import * as tf from '@tensorflow/tfjs';

interface Run {
  engine: string;
  backend: string;
  losses: number[];
  ms: number;
}

// Four clusters in the plane with the target x·y (XOR's signs): no linear model fits it.
const points: [number, number, number][] = [];
for (let i = 0; i < 32; i++) {
  const [cx, cy] = [i % 2 ? 1 : -1, i % 4 < 2 ? 1 : -1];
  const t = (i * 2.399) % (2 * Math.PI);
  const [x, y] = [cx + 0.3 * Math.cos(t), cy + 0.3 * Math.sin(t)];
  points.push([x, y, x * y]);
}
const X = new NDArray(Float64Array.from(points.flatMap((p) => p.slice(0, 2))), [points.length, 2]);
const Y = new NDArray(Float64Array.from(points.map((p) => p[2])), [points.length, 1]);

type P = { W1: m.Value; b1: m.Value; W2: m.Value; b2: m.Value };
const loss = (p: P, x: NDArray, y: NDArray) => {
  const hidden = m.tanh(m.add(m.matmul(x, p.W1), p.b1));
  return m.mean(m.square(m.sub(m.add(m.matmul(hidden, p.W2), p.b2), y)));
};

function initial() {
  // Non-zero biases: with none, the network is an odd function of x and XOR's labels are even.
  const w = (n: number, k: number) => Float64Array.from({ length: n }, (_, i) => Math.sin(1.7 * i + k));
  return {
    W1: new NDArray(w(16, 1), [2, 8]),
    b1: w(8, 3),
    W2: new NDArray(
      w(8, 2).map((v) => 0.3 * v),
      [8, 1],
    ),
    b2: new Float64Array(1),
  };
}

function train(engine: string, backend: Backend): Run {
  const p = initial();
  const prep = prepareGradient(loss, backend, p, constant(X), constant(Y));
  const losses: number[] = [];
  const start = performance.now();
  for (let step = 0; step < 300; step++) {
    const [value, g] = prep.valueAndGradient(p, constant(X), constant(Y));
    losses.push(value);
    for (const key of ['W1', 'b1', 'W2', 'b2'] as const) {
      const target = p[key] instanceof NDArray ? p[key].data : p[key];
      const grad = g[key] instanceof NDArray ? g[key].data : g[key];
      for (let i = 0; i < target.length; i++) target[i]! -= 0.2 * grad[i]!;
    }
  }
  return {
    engine,
    backend: engine === 'tfjs' ? tf.getBackend() : 'float64 JS',
    losses,
    ms: performance.now() - start,
  };
}

function show(runs: Run[]): void {
  const table = document.getElementById('results') as HTMLTableElement;
  for (const r of runs) {
    const row = table.insertRow();
    for (const cell of [
      r.engine,
      r.backend,
      r.losses[0]!.toFixed(4),
      r.losses.at(-1)!.toFixed(4),
      r.ms.toFixed(0),
    ]) {
      row.insertCell().textContent = cell;
    }
  }
  const canvas = document.getElementById('curves') as HTMLCanvasElement;
  const ctx = canvas.getContext('2d')!;
  const top = Math.max(...runs.flatMap((r) => r.losses));
  ctx.font = '12px sans-serif';
  runs.forEach((r, k) => {
    ctx.strokeStyle = k === 0 ? '#d62728' : '#1f77b4';
    ctx.setLineDash(k === 0 ? [] : [6, 4]);
    ctx.lineWidth = 2;
    ctx.beginPath();
    r.losses.forEach((l, i) => {
      const x = 40 + (i / (r.losses.length - 1)) * 460;
      const y = 200 - (l / top) * 180;
      i === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y);
    });
    ctx.stroke();
    ctx.fillStyle = ctx.strokeStyle;
    ctx.fillText(`${r.engine} (${r.backend})`, 380, 30 + 16 * k);
  });
  ctx.fillStyle = '#222';
  ctx.fillText('loss against step', 40, 215);
}

async function main() {
  const webgl = await tf.setBackend('webgl');
  await tf.ready();
  const runs = [train('tfjs', tfjs()), train('tape', tape())];
  show(runs);
  const result = { webgl, runs: runs.map((r) => ({ ...r, first: r.losses[0], last: r.losses.at(-1) })) };
  (window as unknown as { diffintResult: unknown }).diffintResult = result;
  document.getElementById('status')!.textContent = 'done';
}

main().catch((e: unknown) => {
  document.getElementById('status')!.textContent = `failed: ${(e as Error).message}`;
  (window as unknown as { diffintResult: unknown }).diffintResult = { error: String(e) };
});
