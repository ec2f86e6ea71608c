/**
 * The sparse family's references are consistent: each analytic pattern is exactly the structure
 * of its analytic matrix at x (zero outside the pattern, nonzero inside, so the pattern is tight),
 * and a Hessian's is symmetric.
 */
import { NDArray } from '@diffint/core';
import { describe, expect, test } from 'vitest';
import { scenariosOf } from '../src/index.js';

const sparse = scenariosOf('sparse');

describe('sparse family references', () => {
  test('every scenario has a pattern, and the family has Jacobians and Hessians', () => {
    expect(sparse.every((s) => s.reference.pattern !== undefined)).toBe(true);
    expect(new Set(sparse.map((s) => s.operator))).toEqual(new Set(['jacobian', 'hessian']));
  });

  test.each(sparse.map((s) => [s.id, s] as const))(
    '%s: the pattern is the structure of the reference',
    (_, s) => {
      const M = s.reference.result as NDArray;
      expect(M).toBeInstanceOf(NDArray);
      const [rows, cols] = M.shape as [number, number];
      const structure = Array.from({ length: rows }, (_, i) =>
        Array.from({ length: cols }, (_, j) => j).filter((j) => M.data[i * cols + j] !== 0),
      );
      expect(structure).toEqual(s.reference.pattern);
      if (s.operator === 'hessian') {
        for (let i = 0; i < rows; i++)
          for (let j = 0; j < cols; j++) expect(M.data[i * cols + j]).toBe(M.data[j * cols + i]);
      }
    },
  );
});
