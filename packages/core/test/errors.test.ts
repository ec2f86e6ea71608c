/**
 * Errors: every code of `ErrorCode` raised through the public API with the argument named; bad
 * input gets its typed error and leaves the inputs untouched; NaN and Infinity propagate as IEEE
 * arithmetic does.
 */
import {
  DiffError,
  type Engine,
  ErrorCode,
  InvalidInputError,
  NDArray,
  NestingError,
  NonScalarOutputError,
  PreparationMismatchError,
  ShapeMismatchError,
  StructureMismatchError,
  TraceEscapedError,
  TracedValueError,
  UnsupportedOperatorError,
  cache,
  constant,
  derivative,
  gradient,
  gradientInto,
  hessian,
  hvp,
  isDiffError,
  jacobian,
  jacobianInto,
  prepareGradient,
  pullback,
  pushforward,
  secondOrder,
} from '@diffint/core';
import { isTracer } from '@diffint/core/engine';
import * as m from '@diffint/core/math';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';
import { deepCopy } from './support/compare.js';
import { dual } from './support/dual.js';

const vec = (...xs: number[]) => Float64Array.of(...xs);
const sumSq = (x: m.Value) => m.sum(m.square(x));

/** The error `thunk` throws (failing the test if it returns). */
function thrown(thunk: () => unknown): Error {
  try {
    thunk();
  } catch (e) {
    return e as Error;
  }
  return expect.fail('expected an error');
}

/** An engine object that declares no operator at all. */
const inert: Engine = { kind: 'engine', name: 'inert', precision: 'float64', mode: 'forward' };

/** A forward engine that refuses to run inside another differentiation, as some real engines must. */
function refusesNesting(): Engine {
  const inner = dual();
  return {
    ...inner,
    name: 'flat',
    pushforward(f, xs, tangents, key) {
      const outer = xs.find(isTracer);
      if (outer)
        throw new NestingError(outer.trace.engine, 'flat', 'it can only differentiate plain values.');
      return inner.pushforward!(f, xs, tangents, key);
    },
  };
}

/** One case per error code, each raised through the public API, with what its message must name. */
const raises: { readonly [C in ErrorCode]: readonly [() => unknown, RegExp] } = {
  [ErrorCode.InvalidInput]: [
    () => gradient(sumSq, tape(), { w: 'not a number' } as never),
    /x\.w is a string/,
  ],
  [ErrorCode.ShapeMismatch]: [
    () => gradient((x: m.Value) => m.sum(m.add(x, vec(1, 2, 3))), tape(), vec(1, 2)),
    /add: shapes \[2\] and \[3\]/,
  ],
  [ErrorCode.StructureMismatch]: [
    () =>
      pushforward((p: { a: m.Value }) => sumSq(p.a), tape(), { a: vec(1, 2) }, [{ b: vec(1, 2) } as never]),
    /tangents\[0\] has structure \{ b: Float64Array\[2\] \} but x has \{ a: Float64Array\[2\] \}/,
  ],
  [ErrorCode.NonScalarOutput]: [
    () => gradient((x: m.Value) => m.square(x), tape(), vec(1, 2)),
    /gradient needs f to return a scalar, but it returned a value of shape \[2\]/,
  ],
  [ErrorCode.UnsupportedOperator]: [
    () => gradient(sumSq, inert, vec(1, 2)),
    /The inert backend does not support gradient/,
  ],
  [ErrorCode.TracedValue]: [
    () => {
      const plain = new Float64Array(1);
      return derivative(
        (x: m.Value) => {
          plain[0] = x as number;
          return x;
        },
        tape(),
        1,
      );
    },
    /used as a plain number/,
  ],
  [ErrorCode.TraceEscaped]: [
    () => {
      let kept: m.Value = 0;
      derivative(
        (x: m.Value) => {
          kept = x;
          return m.square(x);
        },
        tape(),
        1,
      );
      return m.add(kept, 1);
    },
    /tape differentiation that has already ended was used in add/,
  ],
  [ErrorCode.PreparationMismatch]: [
    () => prepareGradient(sumSq, tape(), vec(1, 2)).gradient(vec(1, 2, 3)),
    /❌ x: Float64Array\[3\], prepared with Float64Array\[2\]/,
  ],
  [ErrorCode.Nesting]: [
    () => hessian(sumSq, secondOrder(tape(), refusesNesting()), vec(1, 2)),
    /The flat backend cannot run inside a tape differentiation/,
  ],
};

describe('every error code is raised through the public API, naming what is at fault', () => {
  test.each(Object.values(ErrorCode))('%s', (code) => {
    const entry = raises[code];
    expect(entry, `no case raises ${code}`).toBeDefined();
    const [thunk, message] = entry;
    const e = thrown(thunk);
    expect(e).toBeInstanceOf(DiffError);
    expect((e as DiffError).code).toBe(code);
    expect(isDiffError(e)).toBe(true);
    expect(e.message).toMatch(message);
    expect(e.name).toBe(e.constructor.name);
  });

  test('each code has its own subclass', () => {
    const classes = [
      InvalidInputError,
      ShapeMismatchError,
      StructureMismatchError,
      NonScalarOutputError,
      UnsupportedOperatorError,
      TracedValueError,
      TraceEscapedError,
      PreparationMismatchError,
      NestingError,
    ];
    const errors = Object.values(raises).map(([thunk]) => thrown(thunk));
    expect(errors.map((e) => classes.findIndex((C) => e instanceof C)).sort()).toEqual(
      classes.map((_, i) => i),
    );
  });

  test('a NestingError names both engines of the pair and a way out', () => {
    const e = new NestingError('tfjs', 'forward', 'its tensors cannot hold dual numbers.');
    expect(e.code).toBe(ErrorCode.Nesting);
    expect(e.message).toMatch(/The forward backend cannot run inside a tfjs differentiation/);
    expect(e.message).toMatch(/secondOrder/);
  });

  test('an engine with no operator is refused for every operator, by name, with the alternatives', () => {
    const operators: [string, () => unknown][] = [
      ['derivative', () => derivative(m.square, inert, 1)],
      ['gradient', () => gradient(sumSq, inert, vec(1))],
      ['jacobian', () => jacobian(m.square, inert, vec(1))],
      ['pushforward', () => pushforward(m.square, inert, vec(1), [vec(1)])],
      ['pullback', () => pullback(m.square, inert, vec(1), [vec(1)])],
      ['hessian', () => hessian(sumSq, inert, vec(1))],
      ['hvp', () => hvp(sumSq, inert, vec(1), [vec(1)])],
    ];
    for (const [operator, thunk] of operators) {
      const e = thrown(thunk);
      expect(e).toBeInstanceOf(UnsupportedOperatorError);
      expect(e.message).toContain(`does not support ${operator}`);
      expect(e.message).toMatch(/pushforward or pullback/);
    }
  });

  test('a PreparationMismatchError lists every argument as matching or not', () => {
    const prep = prepareGradient(
      (x: m.Value, _k: number, _b: unknown) => sumSq(x),
      tape(),
      vec(1, 2),
      constant(1),
      cache(3),
    );
    const e = thrown(() =>
      prep.gradient(vec(1, 2), cache(3) as never, cache(4) as never),
    ) as PreparationMismatchError;
    expect(e).toBeInstanceOf(PreparationMismatchError);
    expect(e.checks.map((c) => [c.name, c.ok])).toEqual([
      ['x', true],
      ['context 1', false],
      ['context 2', false],
    ]);
    expect(e.message).toMatch(/✅ x/);
    expect(e.message).toMatch(/❌ context 1: cache, prepared with constant/);
    expect(e.message).toMatch(/❌ context 2: cache \[4\], prepared with \[3\]/);
    const missing = thrown(() => (prep.gradient as (...a: unknown[]) => unknown)(vec(1, 2), constant(1)));
    expect(missing.message).toMatch(/❌ context 2: missing \(prepared with cache\)/);
  });
});

describe('isDiffError', () => {
  test('recognises an error of a second copy of the package by its code', () => {
    const foreign = Object.assign(new Error('from another copy'), { code: 'DIFF_SHAPE_MISMATCH' });
    expect(foreign).not.toBeInstanceOf(DiffError);
    expect(isDiffError(foreign)).toBe(true);
  });

  test('rejects anything else', () => {
    expect(isDiffError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(false);
    expect(isDiffError({ code: 'DIFF_SHAPE_MISMATCH', message: 'not an Error' })).toBe(false);
    expect(isDiffError(new Error('plain'))).toBe(false);
    expect(isDiffError(null)).toBe(false);
    expect(isDiffError('DIFF_SHAPE_MISMATCH')).toBe(false);
  });
});

describe('bad input gets its typed error and leaves every input untouched', () => {
  const params = () => ({ W: NDArray.from([[1, 2]]), b: vec(0.5), layers: [{ s: 2 }] });
  const loss = (p: { W: m.Value; b: m.Value; layers: { s: m.Value }[] }) =>
    m.mul(p.layers[0]!.s, m.sum(m.add(p.W, p.b)));

  const cases: [
    string,
    new (...a: never[]) => DiffError,
    RegExp,
    (inputs: Record<string, unknown>) => unknown,
  ][] = [
    [
      'wrong shapes inside f',
      ShapeMismatchError,
      /matvec/,
      ({ x, M }) =>
        gradient(
          (x: m.Value, M: NDArray) => m.sum(m.matvec(M, m.concat([x, x]))),
          tape(),
          x as Float64Array,
          constant(M as NDArray),
        ),
    ],
    [
      'a tangent of another structure',
      StructureMismatchError,
      /tangents\[0\]/,
      ({ p, t }) => pushforward(loss, tape(), p as never, [t as never]),
    ],
    [
      'a gradientInto output of another structure',
      StructureMismatchError,
      /out has structure/,
      ({ p, t }) => gradientInto(t as never, loss, tape(), p as never),
    ],
    [
      'a jacobianInto output of another shape',
      ShapeMismatchError,
      /out has shape \[2, 2\], the result \[1, 4\]/,
      ({ p, M }) => jacobianInto(M as NDArray, loss, tape(), p as never),
    ],
    [
      'a non-scalar output to gradient',
      NonScalarOutputError,
      /gradient needs f to return a scalar/,
      ({ x }) => gradient((x: m.Value) => m.mul(x, 2), tape(), x as never),
    ],
    [
      'a string input',
      InvalidInputError,
      /^x\.s is a string/,
      ({ str }) => gradient(sumSq, tape(), str as never),
    ],
    [
      'a Float32Array input',
      InvalidInputError,
      /x\.v is a Float32Array.*Float64Array\.from/,
      ({ f32 }) => gradient(sumSq, tape(), f32 as never),
    ],
    [
      'a prepared call with another shape',
      PreparationMismatchError,
      /❌ x: \{ W: NDArray\[2, 2\]/,
      ({ p, q }) => prepareGradient(loss, tape(), p as never).gradient(q as never),
    ],
    [
      'a vector x to derivative',
      InvalidInputError,
      /derivative needs a scalar x/,
      ({ x }) => derivative(m.square, tape(), x as never),
    ],
  ];

  test.each(cases)('%s', (_name, ErrorClass, message, run) => {
    const inputs = {
      x: vec(1, 2),
      M: NDArray.from([
        [1, 2],
        [3, 4],
      ]),
      p: params(),
      q: {
        ...params(),
        W: NDArray.from([
          [1, 2],
          [3, 4],
        ]),
      },
      t: { W: NDArray.from([[1, 2]]), b: vec(0.5) },
      str: { s: 'three' },
      f32: { v: new Float32Array([1, 2]) },
    };
    const before = deepCopy(inputs);
    const e = thrown(() => run(inputs));
    expect(e).toBeInstanceOf(ErrorClass);
    expect(e.message).toMatch(message);
    expect(inputs).toStrictEqual(before);
  });
});

describe('NaN and Infinity in x propagate as IEEE arithmetic does', () => {
  const x = () => vec(Number.NaN, 2, Number.POSITIVE_INFINITY);

  test.each([
    ['tape', () => tape()],
    ['dual', () => dual()],
  ])('elementwise derivatives on %s', (_name, engine) => {
    // d/dx eˣ at ±∞, sin at ∞ (cos ∞ = NaN), √x at 0 (1 / (2·0) = ∞), log and √ of a negative
    expect(derivative(m.exp, engine(), Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    expect(derivative(m.exp, engine(), Number.NEGATIVE_INFINITY)).toBe(0);
    expect(derivative(m.sin, engine(), Number.POSITIVE_INFINITY)).toBeNaN();
    expect(derivative(m.sqrt, engine(), 0)).toBe(Number.POSITIVE_INFINITY);
    expect(derivative(m.log, engine(), -1)).toBe(-1);
    expect(derivative(m.sqrt, engine(), -1)).toBeNaN();
    expect(derivative(m.square, engine(), Number.NaN)).toBeNaN();
  });

  test('reverse mode: each gradient entry sees only its own element (∇ Σ xᵢ² = 2x)', () => {
    const input = x();
    expect(gradient(sumSq, tape(), input)).toEqual(vec(Number.NaN, 4, Number.POSITIVE_INFINITY));
    expect(input).toEqual(x());
    const prep = prepareGradient(sumSq, tape(), vec(0, 0, 0));
    expect(prep.gradient(x())).toEqual(vec(Number.NaN, 4, Number.POSITIVE_INFINITY));
    expect(prep.gradient(vec(1, 1, 1))).toEqual(vec(2, 2, 2));
  });

  test('forward mode agrees: a zero tangent contributes exactly zero, even through NaN or ∞', () => {
    const input = x();
    expect(gradient(sumSq, dual(), input)).toEqual(vec(Number.NaN, 4, Number.POSITIVE_INFINITY));
    expect(input).toEqual(x());
    const prep = prepareGradient(sumSq, dual(), vec(0, 0, 0));
    expect(prep.gradient(x())).toEqual(vec(Number.NaN, 4, Number.POSITIVE_INFINITY));
    expect(prep.gradient(vec(1, 1, 1))).toEqual(vec(2, 2, 2));
  });
});
