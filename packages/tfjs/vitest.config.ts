import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.js';

/** test/browser needs a browser's backends (webgl): it runs in `pnpm test:browser` only. */
export default mergeConfig(
  sharedConfig,
  defineConfig({ test: { exclude: ['test/browser/**', '**/node_modules/**'] } }),
);
