import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));
const src = (pkg: string, file = 'index.ts') => `${root}packages/${pkg}/src/${file}`;

/** Tests in the workspace run against the sources of every package, no build needed. */
export const sharedConfig = defineConfig({
  resolve: {
    alias: [
      { find: /^@diffint\/core\/math$/, replacement: src('core', 'math/index.ts') },
      { find: /^@diffint\/core\/engine$/, replacement: src('core', 'engine.ts') },
      { find: /^@diffint\/core$/, replacement: src('core') },
      {
        find: /^@diffint\/(finite-diff|tape|tfjs|forward|sparse)$/,
        replacement: `${root}packages/$1/src/index.ts`,
      },
      { find: /^@diffint\/conformance$/, replacement: `${root}conformance/src/index.ts` },
      { find: /^@diffint\/conformance\/vitest$/, replacement: `${root}conformance/src/vitest.ts` },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // A turn of the event loop after each test (see the file).
    setupFiles: [`${root}vitest.setup.ts`],
    testTimeout: 60_000,
    pool: 'forks',
    // Memory tests force a collection before measuring the heap.
    poolOptions: { forks: { execArgv: ['--expose-gc'] } },
  },
});
