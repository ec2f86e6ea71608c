import { test } from 'vitest';
import { adapterNamed } from '../../src/backends.js';
import { testBackend } from '../../src/vitest.js';

/**
 * Runs the suite on one adapter of the repository (unless DIFFINT_CONFORMANCE_BY_CLI=1, where
 * `pnpm conformance` runs it). An adapter of the repository that does not
 * load, or does not export its factory, is a failing test: a broken adapter must not be green.
 */
export async function conformanceOf(name: string): Promise<void> {
  // CI runs `pnpm conformance` after `pnpm test`: the same suite on every adapter, failing on any
  // failure or on an adapter that does not load. There the adapter columns are not run twice.
  if (process.env.DIFFINT_CONFORMANCE_BY_CLI === '1') {
    test.skip(`${name}: run by pnpm conformance (DIFFINT_CONFORMANCE_BY_CLI=1)`, () => {});
    return;
  }
  const loaded = await adapterNamed(name).load();
  if ('absent' in loaded) {
    test(`${name} loads`, () => {
      throw new Error(`${name}: ${loaded.absent}`);
    });
    return;
  }
  testBackend(loaded.entry.backend, { ...loaded.entry, unsupported: 'skip' });
}
