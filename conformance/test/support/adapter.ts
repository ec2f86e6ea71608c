import { test } from 'vitest';
import { adapterNamed } from '../../src/backends.js';
import { testBackend } from '../../src/vitest.js';

/** Runs the suite on one adapter of the repository, or records why it is not there. */
export async function conformanceOf(name: string): Promise<void> {
  const loaded = await adapterNamed(name).load();
  if ('absent' in loaded) {
    test.skip(`${name}: ${loaded.absent}`, () => {});
    return;
  }
  testBackend(loaded.entry.backend, { ...loaded.entry, unsupported: 'skip' });
}
