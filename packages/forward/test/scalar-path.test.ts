/**
 * Forward mode's scalar path and its diagnostics: strong zeros in tangent products, constant
 * rules, outputs that are values of an outer differentiation, and what the engine reports about
 * its last pass. References are analytic derivatives.
 */
import { derivative } from '@diffint/core';
import * as m from '@diffint/core/math';
import { describe, expect, test } from 'vitest';
import { forward } from '../src/index.js';

const vec = (...xs: number[]) => Float64Array.of(...xs);

describe('tangent products on the scalar path', () => {
  test('an infinite tangent times a zero partial is zero', () => {
    // √x · 0 at x = 0: the tangent of √x is infinite, its partial in the product is 0.
    expect(derivative((x: m.Value) => m.mul(m.sqrt(x), 0), forward(), 0)).toBe(0);
  });

  test('a zero tangent times an infinite partial is zero', () => {
    // x·0 has tangent 0 (not a symbolic zero); √ at 0 has an infinite partial.
    expect(derivative((x: m.Value) => m.sqrt(m.mul(x, 0)), forward(), 2)).toBe(0);
  });

  test('a NaN partial with a non-zero tangent stays NaN', () => {
    expect(derivative((x: m.Value) => m.sqrt(x), forward(), -1)).toBeNaN();
    expect(derivative((x: m.Value) => m.mul(Number.NaN, x), forward(), 1)).toBeNaN();
  });

  test('a piecewise-constant op contributes nothing', () => {
    // x² + sign(x) → 2x
    expect(derivative((x: m.Value) => m.add(m.mul(x, x), m.sign(x)), forward(), 1.5)).toBe(3);
  });
});

describe('nesting', () => {
  test('an inner output that is a value of the outer differentiation has a zero inner derivative', () => {
    // F(x) = x · d/dy (3x) = 0 → F′ = 0
    const F = (x: m.Value) => m.mul(x, derivative((_y: m.Value) => m.mul(x, 3), forward(), 1) as m.Value);
    expect(derivative(F, forward(), 2)).toBe(0);
  });

  test('a traced value prints with its engine', () => {
    let shown = '';
    derivative(
      (x: m.Value) => {
        shown = String((x as { toString(): string }).toString());
        return x;
      },
      forward(),
      2,
    );
    expect(shown).toMatch(/^Tracer\(forward, /);
  });
});

describe('diagnostics of the last pass', () => {
  test('scalar code: its applications are counted and no program is compiled', () => {
    const e = forward();
    expect(e.lastRunCompiled).toBe(false);
    for (let i = 0; i < 3; i++) {
      // x·sin x: two scalar applications.
      expect(derivative((x: m.Value) => m.mul(x, m.sin(x)), e, 2)).toBeCloseTo(
        Math.sin(2) + 2 * Math.cos(2),
        14,
      );
      expect(e.lastPassApplications).toBe(2);
      expect(e.lastRunCompiled).toBe(false);
    }
  });

  test('array code seen before runs compiled', () => {
    const e = forward();
    // Σ (x·(1, 2))² = 5x² → 10x. Programs are shared by the process, so only the calls after
    // the first are sure to have seen this structure before.
    const f = (x: m.Value) => m.sum(m.square(m.mul(x, vec(1, 2))));
    const seen: boolean[] = [];
    for (let i = 0; i < 3; i++) {
      expect(derivative(f, e, 1.5)).toBeCloseTo(15, 12);
      seen.push(e.lastRunCompiled);
    }
    expect(seen.slice(1)).toEqual([true, true]);
  });
});
