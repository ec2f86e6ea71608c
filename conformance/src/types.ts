import type { AnyBackend, CacheTemplate, Context, ErrorCode, Tree } from '@diffint/core';

/** The scenario families of the suite (the rows of the matrix). */
export const families = [
  'closure-cache',
  'param-struct',
  'constant',
  'standard',
  'second-order',
  'kinks',
  'contract',
  'sparse',
  'ops',
  'custom',
] as const;
/** One family of scenarios: a row group of the matrix. */
export type Family = (typeof families)[number];

/** The operators of `@diffint/core`, each checked with all its variants. */
export const operators = [
  'derivative',
  'gradient',
  'jacobian',
  'pushforward',
  'pullback',
  'hessian',
  'hvp',
  'secondDerivative',
] as const;
/** One operator of `@diffint/core` (each with its `valueAnd…`, prepared and `…Into` forms). */
export type Operator = (typeof operators)[number];

/**
 * What a backend can do beyond differentiating portable math, declared by its entry. A scenario
 * whose expected outcome depends on it names the capability, never a backend.
 *
 * - `runsOnPlainValues`: f runs on plain numbers (finite differences), so JS arithmetic and plain
 *   `Float64Array` writes inside f are differentiated instead of refused, and a derivative is a
 *   difference of values of f (across a jump, not a derivative at all).
 * - `ieeeProducts`: the engine's own gradient rules multiply in IEEE arithmetic (TensorFlow.js),
 *   so 0 × ∞ and 0 × NaN are NaN: an unselected `where` branch or a zero cotangent whose
 *   factor is infinite or NaN makes the derivative NaN instead of contributing zero.
 */
export type Capability = 'runsOnPlainValues' | 'ieeeProducts';

/**
 * What a call must do: match the scenario's reference, throw the `DiffError` with this code, or
 * match another reference (what an engine with a documented difference computes).
 */
export type Outcome = 'reference' | { readonly throws: ErrorCode } | { readonly reference: Reference };

/** The expected outcome by capability; a backend with none of the listed capabilities gets `default`. */
export type Expectation = { readonly default?: Outcome } & { readonly [C in Capability]?: Outcome };

/** f as the operators take it: returning its output, or writing it in place (see `Scenario.inPlace`). */
export type ScenarioFn = (...args: any[]) => unknown;

/** An f that differentiates inside itself with the backend under test (nesting checks). */
export interface Nested {
  readonly kind: 'nested';
  /** Builds f from the backend under test. */
  readonly build: (backend: AnyBackend) => ScenarioFn;
}

/** Marks f as built from the backend under test: `nested((b) => (x) => …derivative(g, b, …)…)`. */
export function nested(build: (backend: AnyBackend) => ScenarioFn): Nested {
  return { kind: 'nested', build };
}

/** The answers, computed independently of every backend (analytic, or a separate plain-JS implementation). */
export interface Reference {
  /**
   * The operator's result: derivative (shaped like f's output), gradient (like x), jacobian and
   * hessian (`NDArray`), pushforward / pullback / hvp (one result per seed), secondDerivative.
   */
  readonly result: unknown;
  /** f(x), checked by the `valueAnd…` variants. */
  readonly value?: unknown;
  /** ∇f(x) (or f′(x)), checked by the second-order variants that also return it. */
  readonly gradient?: unknown;
  /**
   * For a Jacobian or Hessian: its exact sparsity pattern, the nonzero columns of each row.
   * Checked against the `pattern` a sparse backend's preparation shows.
   */
  readonly pattern?: readonly (readonly number[])[];
}

/** What an enclosed buffer must hold after a call: what one plain call at x leaves. */
export interface StateCheck {
  readonly what: string;
  /** Reads the buffer's contents after the calls. */
  readonly read: () => unknown;
  readonly expected: unknown;
}

/**
 * One check of the suite: an operator applied to f at x (with seeds and contexts), the reference
 * answer computed independently of every backend, and what each capability expects instead.
 */
export interface Scenario {
  /** Unique, stable: `family/name-operator`; skip lists and reports key on it. */
  readonly id: string;
  readonly name: string;
  readonly family: Family;
  readonly tags: readonly string[];
  readonly operator: Operator;
  /** f(x, ...contexts), or with `inPlace` f(y, x, ...contexts). Written with `@diffint/core/math`. */
  readonly f: ScenarioFn | Nested;
  readonly x: Tree;
  /** Tangents (pushforward, hvp) or cotangents (pullback): a batch. */
  readonly seeds?: readonly Tree[];
  readonly contexts?: readonly Context[];
  /** f writes its output into a buffer shaped like this template: passed to core as `inPlace(f, template)`. */
  readonly inPlace?: CacheTemplate;
  readonly reference: Reference;
  /** Defaults to matching the reference on every backend. */
  readonly expect?: Expectation;
  readonly after?: StateCheck;
  /**
   * Which tolerance judges the result, when it is not the operator's own: a first-order operator
   * over a second-order one (a nested Hessian) is judged as second order.
   */
  readonly order?: 1 | 2;
}

/**
 * Largest allowed error, relative to max(1, largest magnitude of the reference): one bound for
 * first-order quantities (values, gradients, Jacobians), one for second-order results.
 */
export interface Tolerance {
  readonly firstOrder: number;
  readonly secondOrder: number;
}

/** A backend with what the runner needs to judge it. */
export interface BackendEntry {
  /** The column of the matrix: `tape`, `tfjs (wasm)`, … */
  readonly name: string;
  readonly backend: AnyBackend;
  /** Defaults to the tolerance of the backend's declared precision. */
  readonly tolerance?: Partial<Tolerance>;
  readonly capabilities?: readonly Capability[];
}
