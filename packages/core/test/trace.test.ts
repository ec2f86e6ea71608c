/**
 * Traces: a traced value used after its differentiation ended is refused in every argument
 * position of every kind of op, and a traced value refuses to become a plain JS value.
 */
import { TraceEscapedError, TracedValueError, derivative, gradient } from '@diffint/core';
import * as m from '@diffint/core/math';
import { describe, expect, test } from 'vitest';
import { dual } from './support/dual.js';

/** A scalar and a vector traced by differentiations that have ended. */
function escaped(): { s: m.Value; v: m.Value } {
  let s: m.Value = 0;
  let v: m.Value = 0;
  derivative(
    (x: m.Value) => {
      s = x;
      return m.square(x);
    },
    dual(),
    1,
  );
  gradient(
    (x: m.Value) => {
      v = x;
      return m.sum(x);
    },
    dual(),
    Float64Array.of(1, 2),
  );
  return { s, v };
}

const refusal = (thunk: () => unknown, op: string) => {
  expect(thunk).toThrow(TraceEscapedError);
  expect(thunk).toThrow(new RegExp(`dual differentiation that has already ended was used in ${op}(?!\\w)`));
};

describe('a traced value kept after its differentiation is refused, naming the op', () => {
  test('by an elementwise op, as its first or its second argument', () => {
    const { s, v } = escaped();
    refusal(() => m.add(s, 1), 'add');
    refusal(() => m.mul(2, s), 'mul');
    refusal(() => m.sub(Float64Array.of(1, 2), v), 'sub');
    refusal(() => m.exp(s), 'exp');
  });

  test('by an op of several arguments, in any position', () => {
    const { s, v } = escaped();
    refusal(() => m.concat([v, Float64Array.of(1)]), 'concat');
    refusal(() => m.concat([Float64Array.of(1), v]), 'concat');
    refusal(() => m.where(1, 0, s), 'where');
    refusal(() => m.sum(v), 'sum');
  });

  test('by value(), which reads primals through every level', () => {
    const { s } = escaped();
    refusal(() => m.value(s), 'value\\(\\)');
  });

  test('alongside a live traced value of another differentiation', () => {
    const { s } = escaped();
    expect(() => derivative((x: m.Value) => m.mul(x, s), dual(), 1)).toThrow(TraceEscapedError);
    expect(() => derivative((x: m.Value) => m.mul(s, x), dual(), 1)).toThrow(TraceEscapedError);
    expect(() => derivative((x: m.Value) => m.concat([m.stack([x]), m.stack([s])]), dual(), 1)).toThrow(
      TraceEscapedError,
    );
  });
});

describe('a traced value refuses to become a plain JS value', () => {
  const inside = (use: (x: m.Value) => unknown) => {
    let error: unknown;
    derivative(
      (x: m.Value) => {
        try {
          use(x);
        } catch (e) {
          error = e;
        }
        return x;
      },
      dual(),
      1,
    );
    return error;
  };

  test('as a number, naming how it was used', () => {
    for (const use of [
      (x: m.Value) => +(x as never),
      (x: m.Value) => (x as never) * 2,
      (x: m.Value) => Math.exp(x as never),
    ]) {
      const e = inside(use);
      expect(e).toBeInstanceOf(TracedValueError);
      expect((e as Error).message).toMatch(/number/);
      expect((e as Error).message).not.toMatch(/as a string|to a string/);
    }
    expect((inside((x) => (x as unknown as { valueOf(): number }).valueOf()) as Error).message).toMatch(
      /valueOf/,
    );
  });

  test('as a string in a template or a concatenation, saying so', () => {
    for (const use of [(x: m.Value) => `${x as never}`, (x: m.Value) => String(x)]) {
      const e = inside(use);
      expect(e).toBeInstanceOf(TracedValueError);
      expect((e as Error).message).toMatch(/string/);
    }
  });

  test('as JSON', () => {
    const e = inside((x) => JSON.stringify({ x }));
    expect(e).toBeInstanceOf(TracedValueError);
    expect((e as Error).message).toMatch(/JSON/);
  });

  test('toString names the engine and the shape, and does not throw', () => {
    let text = '';
    gradient(
      (x: m.Value) => {
        text = (x as { toString(): string }).toString();
        return m.sum(x);
      },
      dual(),
      Float64Array.of(1, 2, 3),
    );
    expect(text).toMatch(/dual/);
    expect(text).toMatch(/3/);
  });
});
