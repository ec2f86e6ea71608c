/**
 * `@diffint/conformance/vitest`: the suite as vitest tests, for an adapter's own test files
 * (this entry point imports vitest; the package index does not):
 *
 * ```ts
 * import { testBackend } from '@diffint/conformance/vitest';
 * testBackend(myEngine(), { tolerance: { firstOrder: 1e-6 } });
 * ```
 *
 * One test per scenario, grouped by family. A scenario the backend does not support (it raised
 * its typed error) is reported as skipped, or failed with `unsupported: 'fail'`.
 *
 * @packageDocumentation
 */
import type { AnyBackend } from '@diffint/core';
import { describe, test } from 'vitest';
import { type ScenarioReport, runScenario } from './runner.js';
import { scenarios as allScenarios } from './scenarios/index.js';
import { type BackendEntry, type Scenario, families } from './types.js';

/**
 * A turn of the event loop. vitest's worker reports each result by an RPC call that times out
 * after 60 s on a timer of the worker, and between synchronous tests its event loop does not
 * turn, so the answers wait unread: a suite that runs synchronously for more than 60 s in all
 * (a slow engine, a loaded machine) would end with "Timeout calling onTaskUpdate" though every
 * test passed. (Timer functions taken at load, before a test can fake them.)
 */
const turn: () => Promise<void> =
  typeof globalThis.setImmediate === 'function'
    ? (
        (setImmediate) => () =>
          new Promise<void>((resolve) => setImmediate(() => resolve()))
      )(globalThis.setImmediate)
    : (
        (setTimeout) => () =>
          new Promise<void>((resolve) => setTimeout(resolve, 0))
      )(globalThis.setTimeout);

/** The options of `testBackend`: an entry's tolerance and capabilities, and which scenarios to run. */
export interface TestBackendOptions extends Omit<BackendEntry, 'name' | 'backend'> {
  /** Names the suite; defaults to the backend's name. */
  readonly name?: string;
  /** The scenarios to run; defaults to all of them. */
  readonly scenarios?: readonly Scenario[];
  /** Scenario ids not to run, an explicit list (each id must exist). */
  readonly skip?: readonly string[];
  /** What an unsupported scenario is: a skipped test (default) or a failure. */
  readonly unsupported?: 'skip' | 'fail';
}

/**
 * Declares one vitest test per scenario (in a `describe` per family, inside one named
 * `conformance: <name>`), each running the scenario on `backend` in every form of its operator
 * and failing with the status and message of each form that did not pass. Call it at the top
 * level of a test file. Throws at once if `options.skip` names a scenario id that does not exist.
 */
export function testBackend(backend: AnyBackend, options: TestBackendOptions = {}): void {
  const { name = backend.name, scenarios = allScenarios, skip = [], unsupported = 'skip', ...rest } = options;
  const entry: BackendEntry = { name, backend, ...rest };
  const unknown = skip.filter((id) => !scenarios.some((s) => s.id === id));
  if (unknown.length > 0)
    throw new Error(`testBackend: skip lists unknown scenario ids: ${unknown.join(', ')}`);
  describe(`conformance: ${name}`, () => {
    for (const family of families) {
      const inFamily = scenarios.filter((s) => s.family === family);
      if (inFamily.length === 0) continue;
      describe(family, () => {
        for (const s of inFamily) {
          (skip.includes(s.id) ? test.skip : test)(s.id, async (context) => {
            // A turn of the event loop first: see `turn`.
            await turn();
            const r = runScenario(entry, s);
            if (r.status === 'unsupported' && unsupported === 'skip') context.skip(r.message);
            if (r.status !== 'pass') throw new Error(describeFailure(r));
          });
        }
      });
    }
  });
}

function describeFailure(r: ScenarioReport): string {
  const lines = r.variants
    .filter((v) => v.status !== 'pass')
    .map((v) => `  ${v.status === 'fail' ? '✗' : '–'} ${v.variant}: ${v.message}`);
  return `${r.scenario} on ${r.backend}: ${r.status}\n${lines.join('\n')}`;
}
