import {
  NestingError,
  NonScalarOutputError,
  ShapeMismatchError,
  TraceEscapedError,
  TracedValueError,
  UnsupportedOperatorError,
  buffer,
  derivative,
  gradient,
  hessian,
} from '@diffint/core';
import { type AnyPrimitive, bind, primitives } from '@diffint/core/engine';
import * as m from '@diffint/core/math';
import { tape } from '@diffint/tape';
import { beforeAll, describe, expect, test } from 'vitest';
import { tfjs } from '../src/index.js';
import { backends, liveTensors, useBackend } from './backends.js';

/** A primitive @diffint/tfjs has no TensorFlow.js op for (one added to core later, say). */
const besselJ0 = { ...primitives.sin, name: 'besselJ0' } as unknown as AnyPrimitive;

describe.each(backends)('errors, %s backend', (name) => {
  beforeAll(() => useBackend(name));

  const cases: [string, () => unknown, new (...args: never[]) => Error, RegExp][] = [
    [
      'a primitive with no TensorFlow.js op',
      () => gradient((x: m.Value) => m.sum(bind(besselJ0, [x], {} as never)), tfjs(), Float64Array.of(1)),
      UnsupportedOperatorError,
      /tfjs backend does not support the primitive 'besselJ0'/,
    ],
    [
      'a gradient of a vector output',
      () => gradient((x: m.Value) => m.mul(x, 2), tfjs(), Float64Array.of(1, 2)),
      NonScalarOutputError,
      /gradient needs f to return a scalar/,
    ],
    [
      'a Hessian of a vector output',
      () => hessian((x: m.Value) => m.mul(x, 2), tfjs(), Float64Array.of(1, 2)),
      NonScalarOutputError,
      /needs f to return a scalar/,
    ],
    [
      'shapes that do not broadcast',
      () =>
        gradient((x: m.Value) => m.sum(m.add(x, Float64Array.of(1, 2, 3))), tfjs(), Float64Array.of(1, 2)),
      ShapeMismatchError,
      /add/,
    ],
    [
      'a traced value used as a JS number',
      () => derivative((x: m.Value) => Math.exp(x as unknown as number), tfjs(), 1),
      TracedValueError,
      /value\(v\)/,
    ],
    [
      'tfjs inside a tape differentiation',
      () =>
        gradient((y: m.Value) => derivative((z: m.Value) => m.mul(z, y), tfjs(), 1) as m.Value, tape(), 2),
      NestingError,
      /tfjs backend cannot run inside a tape differentiation/,
    ],
  ];

  test.each(cases)('%s is a typed error, and no tensor is left behind', (_, run, type, message) => {
    const before = liveTensors();
    expect(run).toThrow(type);
    expect(run).toThrow(message);
    expect(liveTensors()).toBe(before);
  });

  test('a traced value kept after f returns cannot be used', () => {
    let kept: m.Value = 0;
    derivative(
      (x: m.Value) => {
        kept = m.mul(x, 2);
        return kept;
      },
      tfjs(),
      1,
    );
    expect(() => m.add(kept, 1)).toThrow(TraceEscapedError);
    expect(() => m.value(kept)).toThrow(TraceEscapedError);
  });

  test('a buffer written before f throws is restored to a plain state', () => {
    const b = buffer(2);
    const before = liveTensors();
    expect(() =>
      gradient(
        (x: m.Value) => {
          b.set(0, m.get(x, 0));
          throw new Error('f failed');
        },
        tfjs(),
        Float64Array.of(5, 6),
      ),
    ).toThrow('f failed');
    expect(Array.from(b.toFloat64Array())).toEqual([5, 0]);
    expect(liveTensors()).toBe(before);
  });
});
