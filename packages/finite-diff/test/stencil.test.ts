import { InvalidInputError } from '@diffint/core';
import { describe, expect, test } from 'vitest';
import { finiteDiff } from '../src/index.js';
import type { Scheme } from '../src/options.js';
import { stencil } from '../src/stencil.js';
import { baseStep, coordinateStep, directionalStep } from '../src/steps.js';

/** Σ weight·offsetᵏ over the stencil, with f(x)'s weight at offset 0. */
function moment(scheme: Scheme, levels: number, k: number): number {
  const st = stencil(scheme, levels);
  let s = k === 0 ? st.center : 0;
  st.offsets.forEach((o, j) => {
    s += st.weights[j]! * o ** k;
  });
  return s;
}

describe('stencils', () => {
  const schemes: Scheme[] = ['forward', 'central', 'backward'];
  for (const scheme of schemes) {
    for (const levels of [0, 1, 2, 3]) {
      test(`${scheme} with ${levels} Richardson levels is exact on polynomials up to its order`, () => {
        const st = stencil(scheme, levels);
        expect(st.order).toBe((scheme === 'central' ? 2 : 1) * (levels + 1));
        // A formula of order p differentiates 1, s, …, s^p exactly: moment k is 1 for k = 1, else 0.
        for (let k = 0; k <= st.order; k++) {
          expect(moment(scheme, levels, k)).toBeCloseTo(k === 1 ? 1 : 0, 12);
        }
        // …and no further: the next moment is what the truncation error is made of.
        expect(Math.abs(moment(scheme, levels, st.order + 1))).toBeGreaterThan(1e-6);
      });
    }
  }

  test('central differences evaluate only off-centre points; one-sided ones reuse f(x)', () => {
    expect(stencil('central', 0)).toMatchObject({ offsets: [1, -1], weights: [0.5, -0.5], center: 0 });
    expect(stencil('forward', 0)).toMatchObject({ offsets: [1], weights: [1], center: -1 });
    expect(stencil('backward', 0)).toMatchObject({ offsets: [-1], weights: [-1], center: 1 });
  });

  test('one level of Richardson on central differences is the five-point formula', () => {
    // f'(x) ≈ [f(x − h) − 8 f(x − h/2) + 8 f(x + h/2) − f(x + h)] / 6h
    const st = stencil('central', 1);
    const byOffset = new Map(st.offsets.map((o, j) => [o, st.weights[j]!]));
    expect(byOffset.size).toBe(4);
    expect(byOffset.get(1)).toBeCloseTo(-1 / 6, 15);
    expect(byOffset.get(0.5)).toBeCloseTo(8 / 6, 15);
    expect(byOffset.get(-0.5)).toBeCloseTo(-8 / 6, 15);
    expect(byOffset.get(-1)).toBeCloseTo(1 / 6, 15);
  });
});

describe('steps', () => {
  test('the standard steps are √ε for one-sided and ∛ε for central differences', () => {
    expect(baseStep(stencil('forward', 0), undefined, false)).toBeCloseTo(Math.sqrt(Number.EPSILON), 20);
    expect(baseStep(stencil('central', 0), undefined, false)).toBeCloseTo(Math.cbrt(Number.EPSILON), 18);
    // a difference of differences: ε^(1/4) for central
    expect(baseStep(stencil('central', 0), undefined, true)).toBeCloseTo(Number.EPSILON ** 0.25, 16);
    expect(baseStep(stencil('central', 0), 1e-3, true)).toBe(1e-3);
  });

  test('a coordinate step is scaled by max(1, |x|) and rounded to a power of two', () => {
    const base = Math.cbrt(Number.EPSILON);
    for (const x of [0, 0.5, -1, 3, -1234.5, 1e10]) {
      const h = coordinateStep(base, x);
      expect(Number.isInteger(Math.log2(h))).toBe(true);
      const ratio = h / (base * Math.max(1, Math.abs(x)));
      expect(ratio).toBeGreaterThanOrEqual(Math.SQRT1_2);
      expect(ratio).toBeLessThanOrEqual(Math.SQRT2);
      // so that x ± h is exact: (x + h) − x recovers h
      expect(x + h - x).toBe(h);
      expect(x - (x - h)).toBe(h);
    }
  });

  test('a directional step moves no coordinate by more than its own step', () => {
    const base = 1e-5;
    const x = Float64Array.of(1000, 1, -2);
    expect(directionalStep(base, [x], [Float64Array.of(0, 1, 0)])).toBe(coordinateStep(base, 1));
    expect(directionalStep(base, [x], [Float64Array.of(1, 0, 0)])).toBe(coordinateStep(base, 1000));
    // t = (1, 1, 0): the second coordinate limits the step
    expect(directionalStep(base, [x], [Float64Array.of(1, 1, 0)])).toBe(coordinateStep(base, 1));
    // scaling t scales the step inversely
    expect(directionalStep(base, [x], [Float64Array.of(0, 4, 0)])).toBe(coordinateStep(base, 1) / 4);
    // leaves are treated as one vector
    expect(directionalStep(base, [2, x], [0, Float64Array.of(0, 0, 1)])).toBe(coordinateStep(base, 2));
  });
});

describe('options', () => {
  test('defaults: central differences without extrapolation', () => {
    const e = finiteDiff();
    expect(e).toMatchObject({
      kind: 'engine',
      name: 'finiteDiff',
      precision: 'float64',
      mode: 'forward',
      scheme: 'central',
      richardson: 0,
      step: undefined,
    });
    expect(finiteDiff({ richardson: true }).richardson).toBe(2);
    expect(finiteDiff({ richardson: 3, scheme: 'backward' })).toMatchObject({
      richardson: 3,
      scheme: 'backward',
    });
  });

  test.each([
    [{ scheme: 'centered' }, /scheme/],
    [{ step: 0 }, /step/],
    [{ step: -1e-6 }, /step/],
    [{ step: Number.NaN }, /step/],
    [{ step: 2 }, /step/],
    [{ richardson: 1.5 }, /richardson/],
    [{ richardson: -1 }, /richardson/],
    [{ richardson: 'yes' }, /richardson/],
    [{ richardson: 40 }, /richardson/],
  ])('%o is an InvalidInputError naming the option', (options, name) => {
    expect(() => finiteDiff(options as never)).toThrow(InvalidInputError);
    expect(() => finiteDiff(options as never)).toThrow(name);
  });

  test('options that are not an object are an InvalidInputError', () => {
    expect(() => finiteDiff(null as never)).toThrow(InvalidInputError);
  });
});
