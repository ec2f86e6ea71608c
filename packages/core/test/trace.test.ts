/**
 * Traces: a traced value used after its differentiation ended is refused in every argument
 * position of every kind of op, and a traced value refuses to become a plain JS value.
 */
import { TraceEscapedError, TracedValueError, derivative, gradient } from '@diffint/core';
import { Trace, type Tracer, withTrace } from '@diffint/core/engine';
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
    expect((e as TracedValueError).use).toBe('string');
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

describe('each refusal says how the traced value was used', () => {
  const thrown = (use: (x: any) => unknown): string => {
    let message = '';
    gradient(
      (x: m.Value) => {
        try {
          use(x);
        } catch (e) {
          if (e instanceof TracedValueError) message = e.message;
        }
        return m.sum(x);
      },
      dual(),
      Float64Array.of(1, 2),
    );
    return message;
  };

  test.each([
    ['x.length', (x: any) => x.length, /its length was read/],
    ['for…of', (x: any) => [...x], /it was iterated/],
    ['x[0]', (x: any) => x[0], /its element \[0\] was read/],
    ['x[-1]', (x: any) => x[-1], /its element \[-1\] was read/],
    ['x[12] = 1', (x: any) => (x[12] = 1), /its element \[12\] was written/],
    ['0 in x', (x: any) => 0 in x, /its element \[0\] was tested with in/],
    ['a template literal', (x: any) => `${x}`, /converted to a string/],
    ['x + 1', (x: any) => x + 1, /combined with \+/],
    ['x * 2', (x: any) => x * 2, /needs a number.*hint: number/],
    ['JSON.stringify', (x: any) => JSON.stringify(x), /JSON\.stringify/],
  ])('%s', (_, use, message) => {
    expect(thrown(use)).toMatch(message);
  });

  test('a property that is not an element index is an ordinary property', () => {
    gradient(
      (x: m.Value) => {
        const t = x as any;
        expect(t.a1).toBeUndefined();
        expect(t['1a']).toBeUndefined();
        expect('note' in t).toBe(false);
        expect(t[Symbol('not an index')]).toBeUndefined();
        t.note = 3;
        expect(t.note).toBe(3);
        return m.sum(x);
      },
      dual(),
      Float64Array.of(1, 2),
    );
  });

  test('a printed vector lists up to 8 elements, and counts the rest', () => {
    const shown: string[] = [];
    for (const n of [8, 9]) {
      gradient(
        (x: m.Value) => {
          // The test engine evaluates f once per tangent: keep the first print.
          shown[n - 8] ??= (x as Tracer).toString();
          return m.sum(x);
        },
        dual(),
        Float64Array.from({ length: n }, (_, i) => i),
      );
    }
    expect(shown[0]).toMatch(/: 0, 1, 2, 3, 4, 5, 6, 7\)$/);
    expect(shown[1]).toMatch(/: 0, 1, 2, 3, 4, 5, 6, 7, … 1 more\)$/);
  });
});

describe('withTrace', () => {
  class Bare extends Trace {
    readonly engine = 'bare';
    process(): never {
      throw new Error('not used');
    }
    primal(): never {
      throw new Error('not used');
    }
  }

  test('finishes the trace when the body returns and when it throws', () => {
    const a = new Bare();
    expect(withTrace(a, () => 5)).toBe(5);
    expect(a.active).toBe(false);
    const b = new Bare();
    expect(() =>
      withTrace(b, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(b.active).toBe(false);
  });
});
