/**
 * The sparsity table: every primitive of core has a rule, and each elementwise classification
 * (which first and second derivatives are not identically zero) agrees with the derivatives
 * core's own rules give at sample points.
 */
import { hessian, jacobian, secondOrder } from '@diffint/core';
import { type PrimitiveName, bind, primitives } from '@diffint/core/engine';
import type * as m from '@diffint/core/math';
import { forward } from '@diffint/forward';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';
import { sparsityRules } from '../src/index.js';

const names = Object.keys(primitives) as PrimitiveName[];

test('every primitive of the table has a sparsity rule', () => {
  const missing = names.filter((n) => sparsityRules[n] === undefined);
  expect(missing, `no sparsity rule for: ${missing.join(', ')}`).toEqual([]);
});

test('no rule names a primitive that does not exist', () => {
  expect(Object.keys(sparsityRules).filter((n) => !(n in primitives))).toEqual([]);
});

// Points inside every op's domain (log, sqrt, pow need positive arguments), away from kinks.
const points = [0.31, 0.77, 1.23, 1.61];
const pairs = [
  [0.35, 1.4],
  [1.3, 0.45],
  [0.8, 1.7],
];

const unaries = names.filter((n) => sparsityRules[n]?.kind === 'unary');
const binaries = names.filter((n) => sparsityRules[n]?.kind === 'binary');

describe.each(unaries)('%s: classification agrees with its derivatives', (name) => {
  const rule = sparsityRules[name] as { d1: boolean; d2: boolean };
  const f = (x: m.Value) => bind(primitives[name] as never, [x], {} as never);
  const firsts = points.map((p) => jacobian(f, forward(), Float64Array.of(p)).data[0]!);
  const seconds = points.map(
    (p) =>
      hessian(
        (x: m.Value) => bind(primitives.sum, [f(x)], { axis: null }),
        secondOrder(forward(), tape()),
        Float64Array.of(p),
      ).data[0]!,
  );
  test(`f′ ${rule.d1 ? 'is not' : 'is'} identically zero`, () => {
    expect(firsts.some((d) => d !== 0)).toBe(rule.d1);
  });
  test(`f″ ${rule.d2 ? 'is not' : 'is'} identically zero`, () => {
    expect(seconds.some((d) => d !== 0)).toBe(rule.d2);
  });
});

describe.each(binaries)('%s: classification agrees with its partial derivatives', (name) => {
  const rule = sparsityRules[name] as { da: boolean; db: boolean; daa: boolean; dbb: boolean; dab: boolean };
  const f = (x: m.Value) => {
    const a = bind(primitives.slice, [x], { start: 0, end: 1 });
    const b = bind(primitives.slice, [x], { start: 1, end: 2 });
    return bind(primitives.sum, [bind(primitives[name] as never, [a, b], {} as never)], { axis: null });
  };
  const J = pairs.map((p) => jacobian(f, forward(), Float64Array.from(p)).data);
  const H = pairs.map((p) => hessian(f, secondOrder(forward(), tape()), Float64Array.from(p)).data);
  const nonzero = (vals: number[]) => vals.some((v) => v !== 0);
  test('first partials', () => {
    expect([nonzero(J.map((j) => j[0]!)), nonzero(J.map((j) => j[1]!))]).toEqual([rule.da, rule.db]);
  });
  test('second partials', () => {
    expect([
      nonzero(H.map((h) => h[0]!)),
      nonzero(H.map((h) => h[3]!)),
      nonzero(H.map((h) => h[1]!)),
    ]).toEqual([rule.daa, rule.dbb, rule.dab]);
  });
});
