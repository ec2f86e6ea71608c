import { defineConfig } from 'vitest/config';
import { sharedConfig } from '../../../vitest.shared.js';

/** Runs the speed measurement in scripts/ (the test suite never times anything). */
export default defineConfig({
  ...sharedConfig,
  test: { ...sharedConfig.test, include: ['scripts/speed.ts'], testTimeout: 300_000 },
});
