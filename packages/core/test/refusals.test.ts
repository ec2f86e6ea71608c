/**
 * Refusals: every way a traced value could silently lose its derivative — used as a number, a
 * string, an array-like or an iterable — throws `TracedValueError` naming the fix; every op and
 * context refuses what is not a value with an `InvalidInputError` naming the op, the argument,
 * what it got and the fix; a 0-d NDArray is a scalar wherever a scalar is accepted; a traced
 * value prints as what it is.
 */
import { inspect } from 'node:util';
import {
  type Engine,
  InvalidInputError,
  NDArray,
  ShapeMismatchError,
  TracedValueError,
  buffer,
  cache,
  constant,
  derivative,
  gradient,
  inPlace,
  jacobian,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { forward } from '@diffint/forward';
import { tape } from '@diffint/tape';
import { describe, expect, it } from 'vitest';
import { dual } from './support/dual.js';

const engines: [string, () => Engine][] = [
  ['tape', () => tape()],
  ['forward', () => forward()],
  ['dual', () => dual()],
];

const vec = (...v: number[]) => Float64Array.from(v);

/** Runs `use` on the traced x of a gradient and returns what it threw. */
function thrownInside(engine: Engine, use: (x: m.Value) => unknown): unknown {
  try {
    gradient(
      (x: m.Value) => {
        use(x);
        return m.sum(x);
      },
      engine,
      vec(1, 2, 3),
    );
  } catch (e) {
    return e;
  }
  return undefined;
}

describe.each(engines)('a traced value refuses to be an array on %s', (_, make) => {
  const uses: [string, (x: any) => unknown][] = [
    ['x.length', (x) => x.length],
    [
      'a loop bounded by x.length',
      (x) => {
        for (let i = 0; i < x.length; i++);
      },
    ],
    ['x[0]', (x) => x[0]],
    ['x[0] ?? 1', (x) => x[0] ?? 1],
    [
      'x[i] with a variable i',
      (x) => {
        const i = 2;
        return x[i];
      },
    ],
    ['x[-1]', (x) => x[-1]],
    [
      'x[0] = 1',
      (x) => {
        x[0] = 1;
      },
    ],
    ['0 in x', (x) => 0 in x],
    [
      'for…of',
      (x) => {
        for (const _ of x);
      },
    ],
    ['spread', (x) => [...x]],
    [
      'destructuring',
      (x) => {
        const [a] = x;
        return a;
      },
    ],
    ['Array.from', (x) => Array.from(x)],
    ['Float64Array.from', (x) => Float64Array.from(x)],
    ['typedArray.set', (x) => new Float64Array(3).set(x)],
    ['new Float64Array(x)', (x) => new Float64Array(x)],
  ];
  it.each(uses)('%s throws TracedValueError naming m.get and buffer()', (_, use) => {
    const e = thrownInside(make(), use);
    expect(e).toBeInstanceOf(TracedValueError);
    expect((e as TracedValueError).use).toBe('array');
    expect((e as Error).message).toMatch(/used as an array/);
    expect((e as Error).message).toMatch(/m\.get\(v, i\)/);
    expect((e as Error).message).toMatch(/m\.size\(v\)/);
    expect((e as Error).message).toMatch(/buffer\(\)/);
  });

  it('what a traced value does have keeps working: shape, size, m.size, m.get', () => {
    const g = gradient(
      (x: m.Value) => {
        expect(m.size(x)).toBe(3);
        expect(m.shape(x)).toEqual([3]);
        expect((x as unknown as { size: number }).size).toBe(3);
        let s: m.Value = 0;
        for (let i = 0; i < m.size(x); i++) s = m.add(s, m.mul(i + 1, m.get(x, i)));
        return s;
      },
      make(),
      vec(1, 2, 3),
    );
    expect(Array.from(g)).toEqual([1, 2, 3]);
  });

  it('a missing named property is still undefined (only element access is refused)', () => {
    const e = thrownInside(make(), (x) => {
      expect((x as { then?: unknown }).then).toBeUndefined();
      expect((x as { foo?: unknown }).foo).toBeUndefined();
    });
    expect(e).toBeUndefined();
  });

  // biome-ignore lint/suspicious/noTemplateCurlyInString: the test's name shows the code it runs
  it('`${x}` throws TracedValueError saying it was used as a string', () => {
    const e = thrownInside(make(), (x) => `${x}`);
    expect(e).toBeInstanceOf(TracedValueError);
    expect((e as TracedValueError).use).toBe('string');
    expect((e as Error).message).toMatch(/used as a plain string/);
    expect((e as Error).message).toMatch(/console\.log\(v\)/);
  });

  it("'' + x throws TracedValueError naming both readings of +", () => {
    // biome-ignore lint/style/useTemplate: the + operator is what is tested
    const e = thrownInside(make(), (x) => '' + x);
    expect(e).toBeInstanceOf(TracedValueError);
    expect((e as Error).message).toMatch(/v \+ 1 or '' \+ v/);
  });

  it('x + 1 throws TracedValueError saying it was used as a number', () => {
    const e = thrownInside(make(), (x) => (x as unknown as number) + 1);
    expect(e).toBeInstanceOf(TracedValueError);
    expect((e as TracedValueError).use).toBe('number');
  });
});

describe('a traced value prints as what it is', () => {
  it('toString and util.inspect show the engine, the shape and the primal values', () => {
    const seen: string[] = [];
    gradient(
      (x: m.Value) => {
        seen.push(String((x as { toString(): string }).toString()), inspect(x));
        return m.sum(x);
      },
      tape(),
      vec(1, 2.5, -3),
    );
    expect(seen[0]).toBe('Tracer(tape, [3]: 1, 2.5, -3)');
    expect(seen[1]).toBe(seen[0]);
  });

  it('through several levels of tracing, the plain primal', () => {
    let shown = '';
    derivative(
      (p: m.Value) =>
        derivative(
          (x: m.Value) => {
            shown = inspect(m.mul(x, p));
            return m.mul(x, p);
          },
          tape(),
          3,
        ),
      forward(),
      2,
    );
    expect(shown).toBe('Tracer(tape, []: 6)');
  });

  it('a long vector is cut short, with a count of what is left', () => {
    let shown = '';
    gradient(
      (x: m.Value) => {
        shown = inspect(x);
        return m.sum(x);
      },
      tape(),
      Float64Array.from({ length: 20 }, (_, i) => i),
    );
    expect(shown).toBe('Tracer(tape, [20]: 0, 1, 2, 3, 4, 5, 6, 7, … 12 more)');
  });

  it('after its differentiation has ended, without throwing', () => {
    let kept: m.Value = 0;
    gradient(
      (x: m.Value) => {
        kept = x;
        return m.sum(x);
      },
      tape(),
      vec(1),
    );
    expect(inspect(kept)).toBe('Tracer(tape, [1]: its differentiation has ended)');
  });

  it('console.log inside f neither throws nor changes the derivative', () => {
    const logged: unknown[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => {
      logged.push(inspect(args[0]));
    };
    try {
      expect(
        derivative(
          (x: m.Value) => {
            const y = m.square(x);
            console.log(y);
            return y;
          },
          tape(),
          3,
        ),
      ).toBe(6);
    } finally {
      console.log = original;
    }
    expect(logged).toEqual(['Tracer(tape, []: 9)']);
  });
});

describe('the math validates its arguments', () => {
  const f64 = vec(1, 2);
  const cases: [string, () => unknown, RegExp, RegExp][] = [
    [
      'm.square([1, 2])',
      () => m.square([1, 2] as never),
      /square: argument a is an Array of length 2/,
      /Float64Array\.from/,
    ],
    [
      'm.mul(f64, Float32Array)',
      () => m.mul(f64, new Float32Array(2) as never),
      /mul: argument b is a Float32Array of length 2/,
      /float64/,
    ],
    ["m.exp('1')", () => m.exp('1' as never), /exp: argument a is a string \("1"\)/, /Number\(s\)/],
    ['m.add(undefined, 1)', () => m.add(undefined as never, 1), /add: argument a is undefined/, /missing/],
    ['m.add(1, true)', () => m.add(1, true as never), /add: argument b is a boolean/, /1 and 0/],
    ['m.relu(null)', () => m.relu(null as never), /relu: argument a is null/, /Values are/],
    ['m.sum({})', () => m.sum({} as never), /sum: argument a is a plain object/, /Values are/],
    ['m.sum(f64, 0.5)', () => m.sum(f64, 0.5), /sum: axis must be an integer/, /0\.5/],
    [
      'm.matvec(M, [1, 2])',
      () => m.matvec(NDArray.from([[1, 2]]), [1, 2] as never),
      /matvec: argument v is an Array/,
      /Float64Array\.from/,
    ],
    [
      'm.dot(buffer, f64)',
      () => m.dot(buffer(2) as never, f64),
      /dot: argument a is a Buffer of shape \[2\]/,
      /buf\.read\(\)/,
    ],
    [
      'm.where(c, [1], 0)',
      () => m.where(1, [1] as never, 0),
      /where: argument a is an Array/,
      /Float64Array\.from/,
    ],
    ['m.get(f64, 1.5)', () => m.get(f64, 1.5), /get: i must be an integer/, /1\.5/],
    ["m.slice(f64, '1')", () => m.slice(f64, '1' as never), /slice: start must be an integer/, /string/],
    ['m.pad(f64, -1, 0)', () => m.pad(f64, -1, 0), /pad: before must be a non-negative integer/, /-1/],
    ['m.reshape(f64, [2.5])', () => m.reshape(f64, [2.5]), /reshape: shape must be a shape/, /\[2, 3\]/],
    [
      'm.concat(f64)',
      () => m.concat(f64 as never),
      /concat: parts must be an array of values/,
      /\[a, b, …\]/,
    ],
    [
      'm.concat([f64, "x"])',
      () => m.concat([f64, 'x' as never]),
      /concat: argument parts\[1\] is a string/,
      /Number/,
    ],
    ['m.stack([])', () => m.stack([]), /stack: needs at least one value/, /parts/],
    ['m.zeros(3)', () => m.zeros(3 as never), /zeros: shape must be a shape/, /the number 3/],
  ];
  it.each(cases)(
    '%s throws InvalidInputError naming the op, the argument and the fix',
    (_, call, what, fix) => {
      let error: unknown;
      try {
        call();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as Error).message).toMatch(what);
      expect((error as Error).message).toMatch(fix);
    },
  );

  it('inside f too, with a traced argument beside the bad one', () => {
    expect(() => derivative((x: m.Value) => m.mul(x, new Float32Array(1) as never), tape(), 1)).toThrow(
      /mul: argument b is a Float32Array/,
    );
  });

  it('a number[] x is a pytree of scalars: an f that treats it as a vector is told so', () => {
    expect(() => gradient((x: m.Value) => m.sum(m.square(x)), tape(), [1, 2] as never)).toThrow(
      InvalidInputError,
    );
    expect(() => gradient((x: m.Value) => m.sum(m.square(x)), tape(), [1, 2] as never)).toThrow(
      /square: argument a is an Array of length 2.*pytree of scalars.*Float64Array\.from/,
    );
  });
});

describe('contexts validate their arguments', () => {
  it('constant refuses a float array other than Float64Array, a missing value and a context', () => {
    expect(() => constant(new Float32Array(2))).toThrow(InvalidInputError);
    expect(() => constant(new Float32Array(2))).toThrow(/Float32Array of length 2.*Float64Array\.from/);
    expect(() => constant(undefined)).toThrow(/constant\(value\): value is missing/);
    expect(() => constant(constant(1))).toThrow(/already a context \(constant\)/);
  });

  it('constant accepts any other data, integer typed arrays included', () => {
    const idx = new Int32Array([2, 0]);
    const g = gradient((x: m.Value, i: Int32Array) => m.get(x, i[0]!), tape(), vec(1, 2, 3), constant(idx));
    expect(Array.from(g)).toEqual([0, 0, 1]);
    expect(constant({ rate: 0.1, name: 'adam' }).value).toEqual({ rate: 0.1, name: 'adam' });
    expect(constant(null).value).toBeNull();
  });

  it('cache and inPlace refuse a template that cannot shape a buffer', () => {
    expect(() => cache('x' as never)).toThrow(InvalidInputError);
    expect(() => cache('x' as never)).toThrow(/cache\(template\): template is a string/);
    expect(() => cache(-1)).toThrow(/non-negative integer/);
    expect(() => cache(new Float32Array(2) as never)).toThrow(/Float64Array\.from/);
    expect(() => inPlace(() => {}, [2.5])).toThrow(
      /inPlace\(f, yTemplate\): yTemplate is an Array of length 1/,
    );
  });
});

describe('a 0-d NDArray is a scalar wherever a scalar is accepted', () => {
  const zeroD = (v: number) => new NDArray(Float64Array.of(v), []);

  it('buffer.set and buffer.fill store the number it holds', () => {
    const b = buffer(3);
    b.set(1, zeroD(2.5));
    expect(b.get(1)).toBe(2.5);
    b.fill(zeroD(-1));
    expect(Array.from(b.toFloat64Array())).toEqual([-1, -1, -1]);
  });

  it('matrix buffers by row and column too', () => {
    const b = buffer([2, 2]);
    b.set(1, 0, zeroD(4));
    expect(b.get(1, 0)).toBe(4);
  });

  it('inside f, next to traced values, with the right derivative', () => {
    const b = buffer(2);
    const f = (x: m.Value) => {
      b.set(0, zeroD(3));
      b.set(1, x);
      return m.mul(b.get(0), b.get(1));
    };
    for (const [, make] of engines) expect(derivative(f, make(), 2)).toBe(3);
  });

  it('a value of another shape is refused by set and fill alike, with a message that says what fits', () => {
    const b = buffer(3);
    for (const bad of [vec(1), NDArray.from([[1]])]) {
      expect(() => b.set(0, bad)).toThrow(ShapeMismatchError);
      expect(() => b.fill(bad)).toThrow(ShapeMismatchError);
      expect(() => b.fill(bad)).toThrow(
        /needs a scalar \(a number, or a value of shape \[\]\), got a value of shape \[1/,
      );
    }
    expect(() =>
      derivative(
        (x: m.Value) => {
          b.fill(m.mul(x, vec(1, 1, 1)));
          return x;
        },
        tape(),
        1,
      ),
    ).toThrow(ShapeMismatchError);
  });

  it('what is not a value is an InvalidInputError', () => {
    const b = buffer(2);
    expect(() => b.set(0, 'x' as never)).toThrow(/buffer\.set: the value is a string/);
    expect(() => b.fill([1] as never)).toThrow(/buffer\.fill: the value is an Array/);
    expect(() => b.assign(new Float32Array(2) as never)).toThrow(
      /buffer\.assign: the value is a Float32Array/,
    );
  });

  it('as an operator input and output', () => {
    expect(derivative((x: m.Value) => m.square(x), tape(), zeroD(3) as never)).toBe(6);
    expect(jacobian((x: m.Value) => m.mul(x, zeroD(2)), tape(), vec(1, 2)).data).toEqual(
      Float64Array.of(2, 0, 0, 2),
    );
  });
});

describe('an engine that keeps the function it was handed', () => {
  it('cannot evaluate f after the call ended', () => {
    let kept: ((xs: readonly unknown[]) => readonly unknown[]) | null = null;
    const engine = {
      kind: 'engine',
      name: 'keeps-f',
      precision: 'float64',
      mode: 'reverse',
      pullback: (fn: (xs: readonly unknown[]) => readonly unknown[], xs: readonly unknown[]) => {
        kept = fn;
        return { ys: fn(xs), results: [[Float64Array.of(0)]] };
      },
    } as never;
    const f = (x: unknown) => (x as Float64Array)[0]! * 2;
    gradient(f, engine, Float64Array.of(1));
    expect(() => kept!([Float64Array.of(1)])).toThrow(/f was evaluated after the call ended/);
  });
});
