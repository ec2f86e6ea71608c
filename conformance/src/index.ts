/**
 * @diffint/conformance: the scenarios every diffint backend must pass, with independent
 * reference answers, the runner that checks a backend against them, and a vitest helper.
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
export { compare } from './compare.js';
export { Unspecified, unspecified } from './tree.js';
export { type Absent, type Report, buildReport, formatJson, formatMarkdown, formatText } from './report.js';
export { type Adapter, type Loaded, adapters, adapterNamed } from './backends.js';
export { type TestBackendOptions, testBackend } from './vitest.js';
