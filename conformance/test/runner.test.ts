import { ErrorCode, NDArray, secondOrder } from '@diffint/core';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';
import { drivers } from '../src/operators.js';
import {
  expectedOutcome,
  precisionTolerance,
  runBackend,
  runScenario,
  scenarios,
  toleranceOf,
} from '../src/index.js';
import { centralDifferences, empty, mutating, slightlyWrong } from './support/engines.js';

const byId = (id: string) => {
  const s = scenarios.find((x) => x.id === id);
  if (!s) throw new Error(`no scenario ${id}`);
  return s;
};
const firstOrder = scenarios.filter((s) => drivers[s.operator].order === 1 && !s.tags.includes('nested'));
const refusals = scenarios.filter((s) => s.tags.includes('refusal'));

describe('the runner judges numbers', () => {
  test('an independent central-difference oracle matches every first-order reference', () => {
    const reports = runBackend(
      {
        name: 'central',
        backend: centralDifferences(),
        tolerance: { firstOrder: 1e-6 },
        capabilities: ['runsOnPlainValues'],
      },
      firstOrder,
    );
    expect(reports.filter((r) => r.status !== 'pass').map((r) => `${r.scenario}: ${r.message}`)).toEqual([]);
    expect(reports.length).toBeGreaterThan(60);
  });

  test('central differences over central differences match every second-order reference', () => {
    const oracle = centralDifferences();
    const reports = runBackend(
      {
        name: 'central²',
        backend: secondOrder(oracle, oracle),
        tolerance: { firstOrder: 1e-6, secondOrder: 1e-4 },
      },
      scenarios.filter((s) => drivers[s.operator].order === 2),
    );
    expect(reports.filter((r) => r.status !== 'pass').map((r) => `${r.scenario}: ${r.message}`)).toEqual([]);
  });

  test('a gradient wrong by one part in a million fails at float64 tolerance, naming the element', () => {
    const r = runScenario({ name: 'w', backend: slightlyWrong() }, byId('param-struct/mlp/gradient'));
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(/^gradient: result: result\.layers\[\d\]\.\w/);
    expect(r.message).toMatch(/relative error .* > 1e-10/);
  });

  test('the same error passes under a looser tolerance given by the entry', () => {
    const r = runScenario(
      { name: 'w', backend: slightlyWrong(), tolerance: { firstOrder: 1e-5 } },
      byId('param-struct/mlp/gradient'),
    );
    expect(r.status).toBe('pass');
  });

  test('a backend that mutates its seeds fails "inputs left intact", and the scenario is not corrupted', () => {
    const s = byId('standard/vector-to-vector-n9/pullback');
    const c0 = (s.seeds![0] as Float64Array)[0];
    const r = runScenario({ name: 'm', backend: mutating() }, s);
    expect(r.status).toBe('fail');
    expect(r.variants.at(-1)).toMatchObject({ variant: 'inputs left intact', status: 'fail' });
    expect(r.variants.at(-1)!.message).toMatch(/inputs\.seeds\[0\]\[0\]/);
    expect((s.seeds![0] as Float64Array)[0]).toBe(c0);
    expect(runScenario({ name: 'tape', backend: tape() }, s).status).toBe('pass');
  });

  test('every variant of an operator runs: one-shot, valueAnd, prepared twice, Into', () => {
    const r = runScenario(
      { name: 'tape', backend: tape() },
      byId('closure-cache/brusselator-in-place/jacobian'),
    );
    expect(r.variants.map((v) => v.variant)).toEqual([
      'jacobian',
      'valueAndJacobian',
      'prepared.jacobian',
      'prepared.jacobian (second call)',
      'prepared.valueAndJacobian',
      'prepared.jacobianInto',
      'prepared.valueAndJacobianInto',
      'inputs left intact',
    ]);
    expect(r.status).toBe('pass');
  });

  test('a bare number result has no Into variant (it cannot be written in place)', () => {
    const r = runScenario({ name: 'tape', backend: tape() }, byId('closure-cache/motivating/derivative'));
    expect(r.variants.some((v) => v.variant.includes('Into'))).toBe(false);
  });
});

describe('unsupported operators and refusals', () => {
  test('an engine that implements nothing is unsupported everywhere, never failed', () => {
    const reports = runBackend({ name: 'empty', backend: empty() });
    expect(new Set(reports.map((r) => r.status))).toEqual(new Set(['unsupported']));
    expect(reports[0]!.message).toMatch(/UnsupportedOperatorError \(DIFF_UNSUPPORTED_OPERATOR\)/);
  });

  test('the refusal scenarios expect a typed error (the traced-value ones TracedValueError) unless the backend runs on plain values', () => {
    const traced = refusals.filter((s) => s.family !== 'custom');
    expect(traced.length).toBeGreaterThanOrEqual(2);
    for (const s of traced) expect(expectedOutcome(s, [])).toEqual({ throws: ErrorCode.TracedValue });
    for (const s of refusals) {
      expect(expectedOutcome(s, [])).toEqual({ throws: expect.stringMatching(/^DIFF_/) });
      expect(expectedOutcome(s, ['runsOnPlainValues'])).toBe('reference');
      expect(runScenario({ name: 'tape', backend: tape() }, s).status).toBe('pass');
    }
  });

  test('a backend that computes on plain values without declaring it fails the refusal: a number where an error was due', () => {
    const r = runScenario({ name: 'central', backend: centralDifferences() }, refusals[0]!);
    expect(r.status).toBe('fail');
    expect(r.message).toMatch(/returned a result where DIFF_TRACED_VALUE was expected/);
    const declared = runScenario(
      {
        name: 'central',
        backend: centralDifferences(),
        capabilities: ['runsOnPlainValues'],
        tolerance: { firstOrder: 1e-6 },
      },
      refusals[0]!,
    );
    expect(declared.status).toBe('pass');
  });
});

describe('tolerance', () => {
  test('follows the declared precision; an entry overrides it', () => {
    expect(toleranceOf({ name: 't', backend: tape() })).toEqual(precisionTolerance.float64);
    const f32 = { ...tape(), precision: 'float32' as const };
    expect(toleranceOf({ name: 't', backend: f32 })).toEqual(precisionTolerance.float32);
    expect(toleranceOf({ name: 't', backend: f32, tolerance: { secondOrder: 0.5 } })).toEqual({
      firstOrder: precisionTolerance.float32.firstOrder,
      secondOrder: 0.5,
    });
    expect(precisionTolerance.float32.firstOrder).toBeGreaterThan(precisionTolerance.float64.firstOrder);
  });

  test('a float32 error of 1e-6 passes at float32 tolerance and fails at float64', () => {
    const s = byId('param-struct/mlp/gradient');
    const asFloat32 = { ...slightlyWrong(), precision: 'float32' as const };
    expect(runScenario({ name: 'f32', backend: asFloat32 }, s).status).toBe('pass');
    expect(runScenario({ name: 'f64', backend: slightlyWrong() }, s).status).toBe('fail');
  });
});

describe('results must have the structure of the reference', () => {
  test('a jacobian reference is an NDArray [outputs, inputs]', () => {
    const r = byId('closure-cache/brusselator/jacobian').reference.result as NDArray;
    expect(r).toBeInstanceOf(NDArray);
    expect(r.shape).toEqual([32, 32]);
  });
});
