/**
 * The engines under test and the peers they are measured against. An adapter whose package does
 * not export its factory (yet) is left out with a note, so the suite runs on whatever exists.
 */
import type { Engine } from '@diffint/core';
import { type TapeEngine, tape } from '@diffint/tape';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

/** The TensorFlow.js backends the tfjs rows run on (tfjs-node cannot be installed here). */
export const tfBackends = ['cpu', 'wasm'] as const;
export type TfBackend = (typeof tfBackends)[number];

export type Jax = typeof import('@jax-js/jax');

export interface Engines {
  readonly tape: () => TapeEngine;
  readonly forward: (() => Engine) | null;
  readonly finiteDiff: (() => Engine) | null;
  readonly tfjs: (() => Engine) | null;
  readonly tf: typeof tf;
  readonly jax: Jax | null;
  /** Why an engine or peer is absent. */
  readonly notes: readonly string[];
}

type Factory = (options?: object) => Engine;

async function factory(pkg: string, name: string, notes: string[]): Promise<(() => Engine) | null> {
  try {
    const mod: Record<string, unknown> = await import(pkg);
    const make = mod[name];
    if (typeof make === 'function') return () => (make as Factory)();
    notes.push(`${pkg} does not export ${name}() yet: its rows are skipped.`);
  } catch (e) {
    notes.push(`${pkg} could not be loaded (${(e as Error).message}): its rows are skipped.`);
  }
  return null;
}

/** Selects a TensorFlow.js backend for the rows that follow. */
export async function useTfBackend(name: TfBackend): Promise<void> {
  if (tf.getBackend() !== name) await tf.setBackend(name);
  await tf.ready();
}

async function loadJax(notes: string[]): Promise<Jax | null> {
  // jax-js names Float16Array at load time; Node 20 has none, and the benchmarks never use it.
  const g = globalThis as { Float16Array?: unknown };
  g.Float16Array ??= class Float16Array {};
  try {
    const jax = await import('@jax-js/jax');
    const devices = await jax.init('cpu', 'wasm');
    if (!devices.includes('wasm')) {
      notes.push('@jax-js/jax has no wasm device here: its rows are skipped.');
      return null;
    }
    jax.defaultDevice('wasm');
    return jax;
  } catch (e) {
    notes.push(`@jax-js/jax could not be loaded (${(e as Error).message}): its rows are skipped.`);
    return null;
  }
}

export async function loadEngines(): Promise<Engines> {
  const notes: string[] = [];
  // Production mode: no debug checks or console banners, for the adapter and raw tf alike.
  tf.enableProdMode();
  for (const b of tfBackends) {
    if (!(await tf.setBackend(b))) notes.push(`TensorFlow.js backend ${b} failed to initialise.`);
  }
  return {
    tape,
    forward: await factory('@diffint/forward', 'forward', notes),
    finiteDiff: await factory('@diffint/finite-diff', 'finiteDiff', notes),
    tfjs: await factory('@diffint/tfjs', 'tfjs', notes),
    tf,
    jax: await loadJax(notes),
    notes,
  };
}
