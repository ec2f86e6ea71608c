/**
 * The primitive registry: every primitive is filed under its own name with an op of portable math,
 * and reverse rules are derived by transposing JVP rules (and refused, with a typed error, where a
 * JVP rule is not linear in its tangents).
 */
import { InvalidInputError, gradient, hessian, secondOrder } from '@diffint/core';
import { type PrimitiveName, bind, primitives } from '@diffint/core/engine';
import * as m from '@diffint/core/math';
import { forward } from '@diffint/forward';
import { tape } from '@diffint/tape';
import { describe, expect, it } from 'vitest';
import { definePrimitive } from '../src/registry/define.js';
import { NonLinearRuleError } from '../src/registry/transpose.js';

describe('the generated op table', () => {
  it('give every primitive its op in portable math, under its own name', () => {
    const ops = m as unknown as Record<string, unknown>;
    const missing = (Object.keys(primitives) as PrimitiveName[]).filter((n) => typeof ops[n] !== 'function');
    expect(missing, `primitives without an m.* op: ${missing.join(', ')}`).toEqual([]);
  });
});

// y = x³ with its JVP stated and its VJP left to transposition.
const cube = definePrimitive<'cube', Record<never, never>>({
  name: 'cube',
  impl: ([x]) => (x as number) ** 3,
  shape: ([s]) => s!,
  jvp: ([t], [x]) => m.mulNoNan(t!, m.mul(3, m.square(x!))),
  args: ['nonlinear'],
});

// A JVP rule that squares its tangent: not linear, so no reverse rule follows from it.
const broken = definePrimitive<'broken', Record<never, never>>({
  name: 'broken',
  impl: ([x]) => x!,
  shape: ([s]) => s!,
  jvp: ([t]) => m.square(t!),
  args: ['nonlinear'],
});

describe('reverse rules derived by transposition', () => {
  it('give the cotangent the JVP rule implies', () => {
    const [g] = cube.vjp(2, [1.5], 3.375, {}, [true]);
    expect(g).toBe(2 * 3 * 1.5 * 1.5);
  });

  it('work on arrays, on the tape (compiled and interpreted) and under an outer differentiation', () => {
    const [g] = cube.vjp(Float64Array.of(1, 1), [Float64Array.of(0.5, -2)], Float64Array.of(0.125, -8), {}, [
      true,
    ]);
    expect(g).toEqual(Float64Array.of(0.75, 12));
    const f = (x: m.Value) => m.sum(bind(cube as never, [x], {} as never));
    const x = Float64Array.of(0.5, -2, 3);
    for (const engine of [tape(), tape({ codegen: false })]) {
      expect(gradient(f, engine, x)).toEqual(Float64Array.of(0.75, 12, 27));
    }
    // d/dx of the derived VJP: 6x on the diagonal, through the rule's own portable math.
    expect(Array.from(hessian(f, secondOrder(forward(), tape()), x).data, (v) => v + 0)).toEqual([
      3, 0, 0, 0, -12, 0, 0, 0, 18,
    ]);
    expect(Array.from(hessian(f, tape(), x).data, (v) => v + 0)).toEqual([3, 0, 0, 0, -12, 0, 0, 0, 18]);
  });

  it('refuse a JVP rule that is not linear in its tangents, with a typed error naming the rule', () => {
    const call = () => broken.vjp(1, [2], 2, {}, [true]);
    expect(call).toThrow(NonLinearRuleError);
    expect(call).toThrow(InvalidInputError);
    expect(call).toThrow(/the JVP rule of 'broken' is not linear in its tangents: it applies 'square'/);
  });

  it('are not derived for a primitive linear in an argument: its VJP is the transpose others use', () => {
    expect(() =>
      definePrimitive<'twice', Record<never, never>>({
        name: 'twice',
        impl: ([x]) => x!,
        shape: ([s]) => s!,
        jvp: ([t]) => m.mul(2, t!),
        args: ['linear'],
      }),
    ).toThrow(/'twice': a primitive linear in an argument states its VJP/);
  });

  it('leave the primal untouched when none of its arguments needs a cotangent', () => {
    expect(cube.vjp(1, [2], 8, {}, [false])).toEqual([null]);
  });
});
