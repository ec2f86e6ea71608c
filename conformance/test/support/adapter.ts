import { test } from 'vitest';
import { adapterNamed } from '../../src/backends.js';
import { testBackend } from '../../src/vitest.js';

/**
 * Runs the suite on one adapter of the repository. An adapter of the repository that does not
 * load, or does not export its factory, is a failing test: a broken adapter must not be green.
 */
export async function conformanceOf(name: string): Promise<void> {
  const loaded = await adapterNamed(name).load();
  if ('absent' in loaded) {
    test(`${name} loads`, () => {
      throw new Error(`${name}: ${loaded.absent}`);
    });
    return;
  }
  testBackend(loaded.entry.backend, { ...loaded.entry, unsupported: 'skip' });
}
