/**
 * Timing (tinybench) and allocation per call.
 */
import v8 from 'node:v8';
import { Session } from 'node:inspector/promises';
import vm from 'node:vm';
import { Bench } from 'tinybench';

export interface TimingConfig {
  /**
   * Every task of a case is timed once per round, round-robin, and its quietest round counts:
   * on a machine other processes share, load comes in bursts of seconds, and a burst during one
   * task's only window would skew every ratio taken against it.
   */
  readonly rounds: number;
  /** Time budget per task and round, ms. */
  readonly timeMs: number;
  /** Minimum timed calls per task and round. */
  readonly minIterations: number;
  readonly warmupMs: number;
  readonly warmupIterations: number;
  /** Time spent on calls whose allocation the heap profiler samples, ms. */
  readonly allocationMs: number;
}

export const fullTiming: TimingConfig = {
  rounds: 4,
  timeMs: 100,
  minIterations: 3,
  warmupMs: 25,
  warmupIterations: 1,
  allocationMs: 100,
};
export const smokeTiming: TimingConfig = {
  rounds: 1,
  timeMs: 0,
  minIterations: 2,
  warmupMs: 0,
  warmupIterations: 1,
  allocationMs: 1,
};

export interface Timing {
  /** Median latency of the calls of one round, ms. */
  readonly medianMs: number;
  readonly samples: number;
}

/** One round of one task. */
export function time(name: string, fn: () => unknown, cfg: TimingConfig): Timing {
  const bench = new Bench({
    time: cfg.timeMs,
    iterations: cfg.minIterations,
    warmupTime: cfg.warmupMs,
    warmupIterations: cfg.warmupIterations,
    throws: true,
  });
  bench.add(name, fn);
  const [task] = bench.runSync();
  const r = task!.result;
  if (r.state !== 'completed') throw new Error(`${name}: the timing ended in state ${r.state}`);
  return { medianMs: r.latency.p50, samples: r.latency.samplesCount };
}

const collect: () => void = (() => {
  const g = globalThis as { gc?: () => void };
  if (typeof g.gc === 'function') return g.gc;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
})();

let session: Session | null = null;

export interface Allocation {
  /** Bytes one call allocates: JS heap objects (collected ones included) plus ArrayBuffer contents. */
  readonly bytes: number;
  /** False when every attempt to count ArrayBuffers saw a collection: `bytes` is then a lower bound. */
  readonly exact: boolean;
}

/**
 * Bytes one call allocates, garbage included. JS heap objects are counted by V8's sampling heap
 * profiler (which keeps samples of objects collected meanwhile), over enough calls for a few
 * thousand samples. ArrayBuffer contents live outside that heap: they are the growth of
 * `arrayBuffers` across one call with no collection in it (V8's GC profiler tells), the smallest
 * of up to five such calls. Memory inside a WebAssembly instance is not seen.
 */
export async function allocationPerCall(
  fn: () => unknown,
  medianMs: number,
  budgetMs: number,
): Promise<Allocation> {
  if (session === null) {
    session = new Session();
    session.connect();
  }
  const k = Math.max(1, Math.min(200, Math.floor(budgetMs / Math.max(medianMs, 1e-3))));
  const keep = new Array<unknown>(k);
  await session.post('HeapProfiler.startSampling', {
    samplingInterval: 1024,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
  for (let i = 0; i < k; i++) keep[i] = fn();
  const { profile } = await session.post('HeapProfiler.stopSampling');
  keep.length = 0;
  let heap = 0;
  const walk = (node: typeof profile.head) => {
    heap += node.selfSize;
    for (const child of node.children) walk(child);
  };
  walk(profile.head);
  let buffers = Number.POSITIVE_INFINITY;
  let lowerBound = 0;
  for (let attempt = 0; attempt < 5 && buffers === Number.POSITIVE_INFINITY; attempt++) {
    collect();
    const gcs = new v8.GCProfiler();
    gcs.start();
    const before = process.memoryUsage().arrayBuffers;
    const result = fn();
    const grown = process.memoryUsage().arrayBuffers - before;
    const collections = gcs.stop().statistics.length;
    if (collections === 0) buffers = grown;
    else lowerBound = Math.max(lowerBound, grown);
    keep.push(result);
  }
  const exact = buffers !== Number.POSITIVE_INFINITY;
  return { bytes: heap / k + Math.max(0, exact ? buffers : lowerBound), exact };
}
