/**
 * The runner: every scenario against one backend, in every form of its operator. It knows
 * scenarios and backends only through their data (reference, expected outcome by capability,
 * tolerance by precision); there is no branch on a scenario or a backend.
 */
import { type AnyBackend, ErrorCode, inPlace, isDiffError } from '@diffint/core';
import { compare, comparePattern } from './compare.js';
import { type Produced, type Variant, drivers, variantsOf } from './operators.js';
import { scenarios as allScenarios } from './scenarios/index.js';
import { clone, firstDifference, nanLike } from './tree.js';
import type { BackendEntry, Capability, Family, Operator, Outcome, Scenario, Tolerance } from './types.js';

/** A scenario's or a call's outcome: matched, failed, or declined by the backend with its typed error. */
export type Status = 'pass' | 'fail' | 'unsupported';

/** The outcome of one form of a scenario's call (one-shot, prepared, `…Into`, …) or of the inputs check. */
export interface VariantReport {
  /** Which form. */
  readonly variant: string;
  readonly status: Status;
  readonly message?: string;
  /** Largest error relative to the reference's scale, where a result was compared. */
  readonly relativeError?: number;
}

/** One scenario on one backend: its status, the first problem found, and each form's outcome. */
export interface ScenarioReport {
  /** The backend entry's name. */
  readonly backend: string;
  readonly scenario: string;
  readonly family: Family;
  readonly operator: Operator;
  readonly tags: readonly string[];
  readonly status: Status;
  /** Why it failed or is unsupported: the first problem found. */
  readonly message?: string;
  readonly variants: readonly VariantReport[];
}

/**
 * Tolerance by declared precision. Float64 AD agrees with an analytic answer to ~1e-14; float32
 * keeps ~7 digits, fewer after long reductions, and a second derivative loses one more.
 */
export const precisionTolerance: { readonly [P in 'float64' | 'float32']: Tolerance } = {
  float64: { firstOrder: 1e-10, secondOrder: 1e-8 },
  float32: { firstOrder: 1e-4, secondOrder: 1e-3 },
};

/** The float type a backend computes in; a pair is as precise as its less precise engine. */
export function precisionOf(backend: AnyBackend): 'float64' | 'float32' {
  if (backend.kind === 'matrix') return precisionOf(backend.inner);
  const engines = backend.kind === 'second-order' ? [backend.outer, backend.inner] : [backend];
  return engines.some((e) => e.precision === 'float32') ? 'float32' : 'float64';
}

/** The tolerance an entry is judged with: its precision's, overridden by the entry's own. */
export function toleranceOf(entry: BackendEntry): Tolerance {
  return { ...precisionTolerance[precisionOf(entry.backend)], ...entry.tolerance };
}

/** The outcome a scenario expects from a backend with these capabilities. */
export function expectedOutcome(s: Scenario, capabilities: readonly Capability[]): Outcome {
  for (const c of capabilities) {
    const o = s.expect?.[c];
    if (o !== undefined) return o;
  }
  return s.expect?.default ?? 'reference';
}

/** An operator or a nesting the backend declares it cannot do: reported, not failed. */
function isUnsupported(e: unknown): boolean {
  return isDiffError(e) && (e.code === ErrorCode.UnsupportedOperator || e.code === ErrorCode.Nesting);
}

function describeError(e: unknown): string {
  if (e instanceof Error)
    return `${e.name}${isDiffError(e) ? ` (${e.code})` : ''}: ${e.message.split('\n')[0]}`;
  return String(e);
}

/** Runs one scenario on one backend in every form of its operator. */
export function runScenario(entry: BackendEntry, s: Scenario): ScenarioReport {
  const outcome = expectedOutcome(s, entry.capabilities ?? []);
  const tolerance = toleranceOf(entry);
  const driver = drivers[s.operator];
  const ref = typeof outcome === 'object' && 'reference' in outcome ? outcome.reference : s.reference;
  const throws = typeof outcome === 'object' && 'throws' in outcome ? outcome.throws : null;
  const body = typeof s.f === 'function' ? s.f : s.f.build(entry.backend);
  const f = s.inPlace === undefined ? body : inPlace(body, s.inPlace);
  // Each run gets its own copy of the inputs, so a backend that mutates them cannot corrupt the
  // scenario for the backends after it; the copy is compared with a second one at the end.
  const given = clone({ x: s.x, seeds: s.seeds ?? [], contexts: s.contexts ?? [] });
  const before = clone(given);
  const writable = driver.batch
    ? Array.isArray(ref.result) && ref.result.every((r) => typeof r !== 'number')
    : typeof ref.result !== 'number';
  const variants = variantsOf(driver, { f, backend: entry.backend, ...given }, writable, () =>
    nanLike(ref.result),
  );

  const judge = (v: Variant): VariantReport => {
    let produced: Produced;
    try {
      produced = v.run();
    } catch (e) {
      if (throws !== null && isDiffError(e) && e.code === throws) {
        return { variant: v.name, status: 'pass' };
      }
      const status = isUnsupported(e) ? 'unsupported' : 'fail';
      return { variant: v.name, status, message: `threw ${describeError(e)}` };
    }
    if (throws !== null) {
      return {
        variant: v.name,
        status: 'fail',
        message: `returned a result where ${throws} was expected (a derivative that would be silently wrong)`,
      };
    }
    const problems: string[] = [];
    let worst = 0;
    const check = (label: string, got: unknown, expected: unknown, tol: number) => {
      const c = compare(got, expected, tol);
      if (c.problem) problems.push(`${label}: ${c.problem}`);
      else worst = Math.max(worst, c.relativeError);
    };
    const resultTolerance = (s.order ?? driver.order) === 2 ? tolerance.secondOrder : tolerance.firstOrder;
    check('result', produced.result, ref.result, resultTolerance);
    if (produced.value !== undefined && ref.value !== undefined) {
      check('value', produced.value, ref.value, tolerance.firstOrder);
    }
    if (produced.gradient !== undefined && ref.gradient !== undefined) {
      check('gradient', produced.gradient, ref.gradient, tolerance.firstOrder);
    }
    if (produced.pattern !== undefined && ref.pattern !== undefined) {
      const p = comparePattern(produced.pattern, ref.pattern);
      if (p) problems.push(`pattern: ${p}`);
    }
    if ('out' in produced && produced.result !== produced.out) {
      problems.push('returned a new object instead of the out argument it was given');
    }
    if (s.after) check(`afterwards, ${s.after.what}`, s.after.read(), s.after.expected, tolerance.firstOrder);
    return problems.length === 0
      ? { variant: v.name, status: 'pass', relativeError: worst }
      : { variant: v.name, status: 'fail', message: problems.join('; ') };
  };

  const reports = variants.map(judge);
  const changed = firstDifference(given, before, 'inputs');
  reports.push(
    changed === null
      ? { variant: 'inputs left intact', status: 'pass' }
      : { variant: 'inputs left intact', status: 'fail', message: `an input was mutated: ${changed}` },
  );
  return {
    backend: entry.name,
    scenario: s.id,
    family: s.family,
    operator: s.operator,
    tags: s.tags,
    ...verdict(reports),
  };
}

/** One status for a scenario: any failure fails it; unsupported only when every form says so. */
function verdict(reports: VariantReport[]): Pick<ScenarioReport, 'status' | 'message' | 'variants'> {
  const calls = reports.slice(0, -1);
  const failed = reports.find((r) => r.status === 'fail');
  if (failed) return { status: 'fail', message: `${failed.variant}: ${failed.message}`, variants: reports };
  const unsupported = calls.filter((r) => r.status === 'unsupported');
  if (unsupported.length === 0) return { status: 'pass', variants: reports };
  if (unsupported.length === calls.length) {
    return { status: 'unsupported', message: unsupported[0]!.message!, variants: reports };
  }
  const passed = calls.find((r) => r.status === 'pass')!;
  return {
    status: 'fail',
    message: `${passed.variant} works but ${unsupported[0]!.variant} ${unsupported[0]!.message}`,
    variants: reports,
  };
}

/** Every scenario (or the given ones) on one backend. */
export function runBackend(
  entry: BackendEntry,
  scenarios: readonly Scenario[] = allScenarios,
): ScenarioReport[] {
  return scenarios.map((s) => runScenario(entry, s));
}
