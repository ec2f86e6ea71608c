import { prepareGradient } from '@diffint/core';
import { tape } from '@diffint/tape';
import { rosenbrock, rosenbrockPoint } from './dist/scenarios/rosenbrock.js';
const n = 3; const x = rosenbrockPoint(n); const out = new Float64Array(n);
const p = prepareGradient(rosenbrock, tape(), x);
for (let i = 0; i < 2000; i++) p.gradientInto(out, x);
const N = 20000;
globalThis.gc?.();
// allocation-bytes per call via v8 heap statistics (young generation counts allocated bytes)
const v8 = await import('node:v8');
const before = process.memoryUsage().heapUsed;
let allocated = 0;
const h0 = v8.getHeapStatistics();
const t0 = performance.now();
for (let i = 0; i < N; i++) p.gradientInto(out, x);
console.log('ms/call', ((performance.now() - t0) / N).toFixed(4));
globalThis.gc?.();
console.log('heap growth after gc (bytes)', process.memoryUsage().heapUsed - before);
