/**
 * The tests that mutation testing runs: each mutated package's own tests and the conformance
 * suite on the float64 engines (the safety net that kills most mutants of core's operators).
 * Left out: the tfjs suites (TensorFlow.js's own gradients, and they triple the time of a run),
 * and the tests of the conformance runner and report, which test the suite itself (the report's
 * run it while the file is collected, outside any test, so every mutant they reach would need
 * every test). The memory tests skip themselves under `DIFFINT_MUTATION` (10,000 calls each, for
 * every mutant they cover).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../vitest.shared.js';

export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      root: fileURLToPath(new URL('..', import.meta.url)),
      // One module graph for every test file, kept across mutant runs: a run re-imports only the
      // test files instead of the whole library for each of them. The mutants are switched at
      // run time, so nothing needs reloading between them.
      isolate: false,
      env: { DIFFINT_MUTATION: '1' },
      include: [
        'packages/{core,tape,forward,finite-diff}/test/**/*.test.ts',
        'conformance/test/{tape,forward,forward-over-tape,finite-diff}.test.ts',
      ],
    },
  }),
);
