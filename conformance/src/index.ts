/**
 * @diffint/conformance: the scenarios every diffint backend must pass, with independent
 * reference answers, the runner that checks a backend against them, and the reports of a run
 * (text, Markdown, JSON, HTML). Nothing here loads vitest: the vitest helper `testBackend` is
 * the separate entry point `@diffint/conformance/vitest`.
 *
 * @packageDocumentation
 */
export {
  type Capability,
  type BackendEntry,
  type Expectation,
  type Family,
  type Nested,
  type Operator,
  type Outcome,
  type Reference,
  type Scenario,
  type ScenarioFn,
  type StateCheck,
  type Tolerance,
  families,
  nested,
  operators,
} from './types.js';
export * from './scenarios/index.js';
export {
  type ScenarioReport,
  type Status,
  type VariantReport,
  expectedOutcome,
  precisionOf,
  precisionTolerance,
  runBackend,
  runScenario,
  toleranceOf,
} from './runner.js';
export { type Comparison, compare } from './compare.js';
export { Unspecified, unspecified } from './tree.js';
export {
  type Absent,
  type BackendSummary,
  type Counts,
  type Report,
  buildReport,
  failed,
  formatHtml,
  formatJson,
  formatMarkdown,
  formatText,
} from './report.js';
export { type Adapter, type Loaded, adapters, adapterNamed } from './backends.js';
