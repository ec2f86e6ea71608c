// @ts-check
/**
 * Mutation testing of core and the float64 engines: `pnpm mutation` (mutation/run.mjs runs one
 * package, folder or file, each selection with its own reports). Not run in CI: a whole run
 * takes hours on 2 cores.
 */
const out = process.env.DIFFINT_MUTATION_REPORTS ?? 'reports/mutation/all';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'pnpm',
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'mutation/vitest.config.ts', related: true },
  coverageAnalysis: 'perTest',
  mutate: [
    'packages/core/src/**/*.ts',
    'packages/tape/src/**/*.ts',
    'packages/forward/src/**/*.ts',
    'packages/finite-diff/src/**/*.ts',
  ],
  ignorePatterns: ['**/dist', 'bench/results', 'reports', '.turbo'],
  incremental: true,
  // Git-ignored with the reports: a cache of one checkout's last run (the next run re-tests only
  // the mutants whose code or covering tests changed), rewritten by every run.
  incrementalFile: `${out}/stryker-incremental.json`,
  reporters: ['clear-text', 'html', 'json', 'progress'],
  htmlReporter: { fileName: `${out}/index.html` },
  jsonReporter: { fileName: `${out}/mutation.json` },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
  thresholds: { high: 85, low: 70, break: null },
  // The memory tests force a collection before measuring the heap.
  testRunnerNodeArgs: ['--expose-gc'],
  tempDirName: '.stryker-tmp',
  // No `// @ts-nocheck` headers in the sandbox: vitest does not type-check, and a header on the
  // generated primitive tables would make them differ from what scripts/generate.mjs writes
  // (a test compares them).
  disableTypeChecks: false,
};
