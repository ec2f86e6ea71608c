/**
 * The adapters of the repository, each with what the runner needs to judge it. An adapter that
 * does not load, or does not export its factory yet, is absent from the matrix (with the
 * reason), never stubbed.
 */
import { type AnyBackend, type Backend, secondOrder } from '@diffint/core';
import type { BackendEntry } from './types.js';

/** A loaded adapter: its entry for the runner, or why it is absent from the matrix. */
export type Loaded = { readonly entry: BackendEntry } | { readonly absent: string };

/** An adapter of the repository: a named column of the matrix, loaded when its turn comes. */
export interface Adapter {
  /** The column of the matrix. */
  readonly name: string;
  /**
   * Loads the adapter and readies it; called just before its scenarios run, because some set
   * process-wide state (the TensorFlow.js backend).
   */
  readonly load: () => Promise<Loaded>;
  /**
   * The adapter implements every operator and nesting itself (the tape): `pnpm conformance`
   * fails on a scenario it declines, not only on a wrong one.
   */
  readonly complete?: boolean;
}

type Factory = (options?: object) => Backend;

/** The named factory of a package, or why there is none. */
async function factory(specifier: string, exportName: string): Promise<Factory | string> {
  let mod: Record<string, unknown>;
  try {
    mod = await import(/* @vite-ignore */ specifier);
  } catch (e) {
    return `${specifier} does not load: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
  const f = mod[exportName];
  return typeof f === 'function' ? (f as Factory) : `${specifier} does not export ${exportName}() yet`;
}

function adapter(
  name: string,
  specifier: string,
  exportName: string,
  options: Omit<BackendEntry, 'name' | 'backend'> = {},
  ready?: () => Promise<void>,
  factoryOptions?: object,
): Adapter {
  return {
    name,
    load: async () => {
      const make = await factory(specifier, exportName);
      if (typeof make === 'string') return { absent: make };
      await ready?.();
      return { entry: { name, backend: make(factoryOptions), ...options } };
    },
  };
}

/** Makes `name` the TensorFlow.js backend of this process, as a user of the tfjs adapter would. */
async function tensorflowBackend(name: 'cpu' | 'wasm'): Promise<void> {
  const tf = await import('@tensorflow/tfjs');
  if (name === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(name))) throw new Error(`TensorFlow.js could not start its ${name} backend`);
  await tf.ready();
}

/** Forward-over-reverse, the recommended pair for Hessian-vector products. */
const forwardOverTape: Adapter = {
  name: 'forward-over-tape',
  load: async () => {
    const [forward, tape] = [
      await factory('@diffint/forward', 'forward'),
      await factory('@diffint/tape', 'tape'),
    ];
    if (typeof forward === 'string') return { absent: forward };
    if (typeof tape === 'string') return { absent: tape };
    const [outer, inner] = [forward(), tape()];
    if (outer.kind !== 'engine' || inner.kind !== 'engine')
      return { absent: 'forward() or tape() is not an engine' };
    return { entry: { name: 'forward-over-tape', backend: secondOrder(outer, inner) } };
  },
};

/** `sparse(…)` of `@diffint/sparse` over another adapter's backend. */
function sparseOver(inner: Adapter): Adapter {
  const name = `sparse(${inner.name})`;
  return {
    name,
    load: async () => {
      const make = await factory('@diffint/sparse', 'sparse');
      if (typeof make === 'string') return { absent: make };
      const loaded = await inner.load();
      if ('absent' in loaded) return loaded;
      const wrap = make as unknown as (b: Backend) => AnyBackend;
      return { entry: { ...loaded.entry, name, backend: wrap(loaded.entry.backend as Backend) } };
    },
  };
}

const tapeAdapter: Adapter = { ...adapter('tape', '@diffint/tape', 'tape'), complete: true };
const forwardAdapter = adapter('forward', '@diffint/forward', 'forward');

/** Every adapter of the repository, in the order of the matrix's columns (what `pnpm conformance` runs). */
export const adapters: readonly Adapter[] = [
  tapeAdapter,
  // The tape's compiled programs run by the interpreter, as where code generation is forbidden.
  {
    ...adapter('tape (interpreted)', '@diffint/tape', 'tape', {}, undefined, { codegen: false }),
    complete: true,
  },
  forwardAdapter,
  adapter('forward (interpreted)', '@diffint/forward', 'forward', {}, undefined, { codegen: false }),
  forwardOverTape,
  // Central differences promise 1e-7 relative on smooth functions of moderate scale (they reach
  // ~1e-10 here); differences of differences lose about two more digits (~1e-7 here).
  adapter('finiteDiff', '@diffint/finite-diff', 'finiteDiff', {
    tolerance: { firstOrder: 1e-7, secondOrder: 1e-5 },
    capabilities: ['runsOnPlainValues'],
  }),
  // TensorFlow.js runs its own gradient kernels, whose products are IEEE (0 × ∞ is NaN).
  adapter('tfjs (cpu)', '@diffint/tfjs', 'tfjs', { capabilities: ['ieeeProducts'] }, () =>
    tensorflowBackend('cpu'),
  ),
  adapter('tfjs (wasm)', '@diffint/tfjs', 'tfjs', { capabilities: ['ieeeProducts'] }, () =>
    tensorflowBackend('wasm'),
  ),
  // Sparse Jacobians by pushforwards (forward), by pullbacks (tape), Hessians by forward-over-reverse.
  sparseOver(forwardAdapter),
  sparseOver(tapeAdapter),
  sparseOver(forwardOverTape),
];

/** The adapter of this name (for a test file that runs one). */
export function adapterNamed(name: string): Adapter {
  const a = adapters.find((x) => x.name === name);
  if (!a)
    throw new Error(`no adapter named ${name}; the adapters are ${adapters.map((x) => x.name).join(', ')}`);
  return a;
}
