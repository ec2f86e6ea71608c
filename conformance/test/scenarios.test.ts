import type { NDArray } from '@diffint/core';
import { describe, expect, test } from 'vitest';
import { drivers } from '../src/operators.js';
import { families, operators, scenarios, scenariosOf } from '../src/index.js';

describe('the scenario library', () => {
  test('ids are unique and say family/name/operator', () => {
    const ids = scenarios.map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const s of scenarios) expect(s.id).toBe(`${s.family}/${s.name}/${s.operator}`);
  });

  test('every family has scenarios, and every operator is checked somewhere', () => {
    for (const f of families) expect(scenariosOf(f).length).toBeGreaterThan(0);
    for (const o of operators) expect(scenarios.some((s) => s.operator === o)).toBe(true);
  });

  test('closure-cache holds the motivating example, the reaction–diffusion forms and the refusals', () => {
    const names = new Set(scenariosOf('closure-cache').map((s) => s.name));
    for (const n of [
      'motivating',
      'running-sums',
      'brusselator',
      'brusselator-in-place',
      'brusselator-cache-contexts',
      'plain-array-refused',
    ]) {
      expect(names).toContain(n);
    }
    expect(scenarios.filter((s) => s.inPlace !== undefined).map((s) => s.operator)).toContain('jacobian');
    expect(scenarios.some((s) => s.contexts?.some((c) => c.kind === 'cache'))).toBe(true);
  });

  test('standard shapes come at sizes 0, 1 and moderate, each with the operators it admits', () => {
    const standard = scenariosOf('standard').filter((s) => !s.tags.includes('derived'));
    for (const shape of [
      'number-to-vector',
      'vector-to-number',
      'vector-to-vector',
      'matrix-to-matrix',
      'vector-to-matrix',
    ]) {
      const sizes = new Set(standard.filter((s) => s.name.startsWith(`${shape}-n`)).map((s) => s.name));
      expect(sizes.size, shape).toBe(3);
      expect([...sizes].some((n) => n.endsWith('-n0'))).toBe(true);
      expect([...sizes].some((n) => n.endsWith('-n1'))).toBe(true);
    }
    const scalar = standard.filter((s) => s.name === 'number-to-number').map((s) => s.operator);
    expect(new Set(scalar)).toEqual(new Set(operators));
  });

  test('constants are checked both enclosed and passed, against one reference', () => {
    const constant = scenariosOf('constant');
    for (const s of constant.filter((x) => x.tags.includes('enclosed'))) {
      const passed = constant.find((x) => x.id === s.id.replace('-enclosed/', '-passed/'));
      expect(passed, s.id).toBeDefined();
      expect(passed!.reference).toEqual(s.reference);
      expect(passed!.contexts?.every((c) => c.kind === 'constant')).toBe(true);
    }
  });

  test('batch operators have one reference result per seed', () => {
    for (const s of scenarios.filter((x) => drivers[x.operator].batch)) {
      expect(s.seeds?.length, s.id).toBeGreaterThan(0);
      expect((s.reference.result as unknown[]).length, s.id).toBe(s.seeds!.length);
    }
  });

  test('reference Hessians are symmetric and agree with the reference Hessian-vector products', () => {
    for (const s of scenarios.filter((x) => x.operator === 'hessian')) {
      const H = s.reference.result as NDArray;
      const n = H.shape[0]!;
      for (let i = 0; i < n; i++)
        for (let j = 0; j < i; j++) expect(H.at(i, j), s.id).toBeCloseTo(H.at(j, i), 12);
    }
  });
});
