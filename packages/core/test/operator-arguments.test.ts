/**
 * The operators' variants and argument checks: every prepared operator called with an x of
 * another shape, the in-place (…Into) variants writing into their outputs and refusing outputs
 * that cannot receive the result (each error naming the argument), seeds that are not a batch,
 * arguments that are not functions or backends, and contexts passed through each variant. Every
 * reference is analytic.
 */
import {
  type Buffer,
  InvalidInputError,
  NDArray,
  PreparationMismatchError,
  StructureMismatchError,
  TracedValueError,
  cache,
  constant,
  derivative,
  derivativeInto,
  gradient,
  gradientInto,
  hessianInto,
  hvp,
  hvpInto,
  inPlace,
  jacobian,
  jacobianInto,
  prepareDerivative,
  prepareGradient,
  prepareHessian,
  prepareHvp,
  prepareJacobian,
  preparePullback,
  preparePushforward,
  prepareSecondDerivative,
  pullback,
  pullbackInto,
  pushforward,
  pushforwardInto,
  replay,
  secondDerivativeInto,
  secondOrder,
  valueAndDerivative,
  valueAndGradientInto,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';
import { matrix } from './support/compare.js';
import { dual } from './support/dual.js';

const vec = (...xs: number[]) => Float64Array.of(...xs);

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a throw');
}

/** R² → R²: (x₀x₁, x₀ + 3x₁); J = [[x₁, x₀], [1, 3]]. */
const pair = (x: m.Value) =>
  m.stack([m.mul(m.get(x, 0), m.get(x, 1)), m.add(m.get(x, 0), m.mul(3, m.get(x, 1)))]);
/** x₀²x₁ + x₁³: ∇ = (2x₀x₁, x₀² + 3x₁²), H = [[2x₁, 2x₀], [2x₀, 6x₁]]. */
const poly = (x: m.Value) => m.add(m.mul(m.square(m.get(x, 0)), m.get(x, 1)), m.pow(m.get(x, 1), 3));

describe('a prepared operator called with an x of another shape names x', () => {
  const x = vec(1, 2);
  const other = vec(1, 2, 3);
  const cases: [string, () => unknown][] = [
    ['derivative', () => prepareDerivative(m.sin, tape(), 1).derivative(other as never)],
    ['gradient', () => prepareGradient(poly, tape(), x).gradient(other)],
    ['jacobian', () => prepareJacobian(pair, tape(), x).jacobian(other)],
    ['pushforward', () => preparePushforward(pair, tape(), x, [x]).pushforward(other, [other])],
    ['pullback', () => preparePullback(pair, tape(), x, [x]).pullback(other, [x])],
    ['hessian', () => prepareHessian(poly, secondOrder(dual(), tape()), x).hessian(other)],
    ['hvp', () => prepareHvp(poly, secondOrder(dual(), tape()), x, [x]).hvp(other, [other])],
    [
      'secondDerivative',
      () => prepareSecondDerivative(m.sin, secondOrder(dual(), tape()), 1).secondDerivative(other as never),
    ],
  ];
  test.each(cases)('%s', (operator, run) => {
    const e = thrown(run) as PreparationMismatchError;
    expect(e).toBeInstanceOf(PreparationMismatchError);
    expect(e.message).toContain(operator);
    expect(e.checks.map((c) => [c.name, c.ok])).toEqual([['x', false]]);
  });
});

describe('seeds must be a batch (an array), named by operator and argument', () => {
  const x = vec(1, 2);
  const cases: [string, RegExp, () => unknown][] = [
    [
      'pushforward',
      /^pushforward: tangents must be an array/,
      () => pushforward(pair, tape(), x, x as never),
    ],
    ['pullback', /^pullback: cotangents must be an array/, () => pullback(pair, tape(), x, x as never)],
    ['hvp', /^hvp: tangents must be an array/, () => hvp(poly, secondOrder(dual(), tape()), x, x as never)],
    [
      'a prepared pushforward',
      /^pushforward: tangents must be an array/,
      () => preparePushforward(pair, tape(), x, [x]).pushforward(x, x as never),
    ],
    [
      'a prepared pullback',
      /^pullback: cotangents must be an array/,
      () => preparePullback(pair, tape(), x, [x]).pullback(x, x as never),
    ],
    [
      'a prepared hvp',
      /^hvp: tangents must be an array/,
      () => prepareHvp(poly, secondOrder(dual(), tape()), x, [x]).hvp(x, x as never),
    ],
    [
      'pushforwardInto',
      /^pushforwardInto: outs must be an array/,
      () => pushforwardInto(vec(0, 0) as never, pair, tape(), x, [x]),
    ],
    [
      'pullbackInto',
      /^pullbackInto: outs must be an array/,
      () => pullbackInto(vec(0, 0) as never, pair, tape(), x, [x]),
    ],
    [
      'hvpInto',
      /^hvpInto: outs must be an array/,
      () => hvpInto(vec(0, 0) as never, poly, secondOrder(dual(), tape()), x, [x]),
    ],
  ];
  test.each(cases)('%s', (_name, message, run) => {
    const e = thrown(run);
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.message).toMatch(message);
  });

  test('a tangent of another shape is named by its index', () => {
    const e = thrown(() => pushforward(pair, tape(), vec(1, 2), [vec(1, 0), vec(1, 0, 0)]));
    expect(e).toBeInstanceOf(StructureMismatchError);
    expect(e.message).toMatch(/tangents\[1\]/);
    const h = thrown(() => hvp(poly, secondOrder(dual(), tape()), vec(1, 2), [vec(1, 0), vec(1)]));
    expect(h.message).toMatch(/tangents\[1\]/);
  });
});

describe('the in-place variants write into their outputs and return them', () => {
  test.each([
    ['tape', tape],
    ['dual', dual],
  ])('pushforwardInto, valueAndPushforwardInto (%s)', (_name, engine) => {
    const x = vec(2, 5);
    const outs = [vec(0, 0), vec(0, 0)];
    const r = pushforwardInto(outs, pair, engine(), x, [vec(1, 0), vec(0, 1)]);
    expect(r).toBe(outs);
    // J columns: (x₁, 1) and (x₀, 3)
    expect(outs).toEqual([vec(5, 1), vec(2, 3)]);
    const prep = preparePushforward(pair, engine(), x, [vec(1, 1)]);
    const o = [vec(0, 0)];
    const [y, d] = prep.valueAndPushforwardInto(o, vec(3, 4), [vec(1, 1)]);
    expect(y).toEqual(vec(12, 15));
    expect(d).toBe(o);
    expect(o).toEqual([vec(7, 4)]);
    expect(prep.valueAndPushforward(vec(3, 4), [vec(1, -1)])).toEqual([vec(12, 15), [vec(1, -2)]]);
  });

  test.each([
    ['tape', tape],
    ['dual', dual],
  ])('pullbackInto, valueAndPullbackInto (%s)', (_name, engine) => {
    const x = vec(2, 5);
    const outs = [vec(0, 0), vec(0, 0)];
    const r = pullbackInto(outs, pair, engine(), x, [vec(1, 0), vec(0, 1)]);
    expect(r).toBe(outs);
    // J rows: (x₁, x₀) and (1, 3)
    expect(outs).toEqual([vec(5, 2), vec(1, 3)]);
    const prep = preparePullback(pair, engine(), x, [vec(1, 1)]);
    const o = [vec(0, 0)];
    const [y, d] = prep.valueAndPullbackInto(o, vec(3, 4), [vec(1, 2)]);
    expect(y).toEqual(vec(12, 15));
    expect(d).toBe(o);
    // (4, 3) + 2·(1, 3)
    expect(o).toEqual([vec(6, 9)]);
    expect(prep.valueAndPullback(vec(3, 4), [vec(1, 0)])).toEqual([vec(12, 15), [vec(4, 3)]]);
  });

  test('hvpInto and gradientAndHvp (forward over reverse)', () => {
    const x = vec(1, 2);
    const outs = [vec(0, 0)];
    expect(hvpInto(outs, poly, secondOrder(dual(), tape()), x, [vec(1, 1)])).toBe(outs);
    // H = [[4, 2], [2, 12]] at (1, 2)
    expect(outs).toEqual([vec(6, 14)]);
    const prep = prepareHvp(poly, secondOrder(dual(), tape()), x, [vec(1, 0)]);
    expect(prep.gradientAndHvp(vec(2, 1), [vec(1, 0), vec(0, 1)])).toEqual([
      vec(4, 7),
      [vec(2, 4), vec(4, 6)],
    ]);
  });

  test('derivativeInto and valueAndDerivativeInto of a vector-valued f', () => {
    const curve = (t: m.Value) => m.stack([m.square(t), m.mul(3, t)]);
    const out = vec(0, 0);
    expect(derivativeInto(out, curve, tape(), 2)).toBe(out);
    expect(out).toEqual(vec(4, 3));
    const prep = prepareDerivative(curve, dual(), 1);
    const o = vec(0, 0);
    const [y, d] = prep.valueAndDerivativeInto(o, 3);
    expect(y).toEqual(vec(9, 9));
    expect(d).toBe(o);
    expect(o).toEqual(vec(6, 3));
    expect(prep.valueAndDerivative(-1)).toEqual([vec(1, -3), vec(-2, 3)]);
  });

  test('gradientInto, valueAndGradientInto, jacobianInto, hessianInto, secondDerivativeInto', () => {
    const g = vec(0, 0);
    expect(gradientInto(g, poly, tape(), vec(1, 2))).toBe(g);
    expect(g).toEqual(vec(4, 13));
    const g2 = vec(0, 0);
    const [v, g2r] = valueAndGradientInto(g2, poly, dual(), vec(1, 2));
    expect(v).toBe(10);
    expect(g2r).toBe(g2);
    expect(g2).toEqual(vec(4, 13));
    const J = new NDArray(new Float64Array(4), [2, 2]);
    expect(jacobianInto(J, pair, dual(), vec(2, 5))).toBe(J);
    expect(J).toEqual(
      matrix([
        [5, 2],
        [1, 3],
      ]),
    );
    const [y, Jr] = prepareJacobian(pair, tape(), vec(0, 0)).valueAndJacobianInto(J, vec(1, 1));
    expect(y).toEqual(vec(1, 4));
    expect(Jr).toBe(J);
    expect(J).toEqual(
      matrix([
        [1, 1],
        [1, 3],
      ]),
    );
    const H = new NDArray(new Float64Array(4), [2, 2]);
    expect(hessianInto(H, poly, secondOrder(dual(), tape()), vec(1, 2))).toBe(H);
    expect(H).toEqual(
      matrix([
        [4, 2],
        [2, 12],
      ]),
    );
    const d2 = vec(0, 0);
    const curve = (t: m.Value) => m.stack([m.pow(t, 3), m.sin(t)]);
    expect(secondDerivativeInto(d2, curve, secondOrder(dual(), tape()), 0.5)).toBe(d2);
    expect(d2[0]).toBeCloseTo(3, 12);
    expect(d2[1]).toBeCloseTo(-Math.sin(0.5), 12);
  });
});

describe('outputs that cannot receive the result are refused, naming them, before anything is written', () => {
  test('a number out of a scalar result', () => {
    const e = thrown(() => derivativeInto(0 as never, m.sin, tape(), 1));
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.message).toMatch(/^out is a number.*without Into/);
  });

  test('outs of another length', () => {
    const outs = [vec(0, 0)];
    const e = thrown(() => pushforwardInto(outs, pair, tape(), vec(1, 2), [vec(1, 0), vec(0, 1)]));
    expect(e.message).toMatch(/outs\[1\]/);
    const p = thrown(() => pullbackInto(outs, pair, tape(), vec(1, 2), [vec(1, 0), vec(0, 1)]));
    expect(p.message).toMatch(/outs\[1\]/);
  });

  test('a Jacobian out that is not an NDArray', () => {
    const e = thrown(() => jacobianInto(vec(0, 0, 0, 0) as never, pair, tape(), vec(1, 2)));
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.message).toMatch(/^out must be an NDArray to receive a matrix/);
    const h = thrown(() => hessianInto([] as never, poly, secondOrder(dual(), tape()), vec(1, 2)));
    expect(h.message).toMatch(/^out must be an NDArray to receive a matrix/);
  });

  test('a traced result (inside an outer differentiation) cannot be written into a plain array', () => {
    const out = vec(0, 0);
    const run = (into: (x: m.Value) => void) => () =>
      derivative(
        (s: m.Value) => {
          into(s);
          return s;
        },
        tape(),
        1,
      );
    const g = thrown(run((s) => gradientInto(out, (x: m.Value) => m.mul(s, m.sum(x)), dual(), vec(1, 2))));
    expect(g).toBeInstanceOf(TracedValueError);
    expect(g.message).toMatch(/written into out/);
    const J = new NDArray(new Float64Array(4), [2, 2]);
    const j = thrown(run((s) => jacobianInto(J, (x: m.Value) => m.mul(s, x), dual(), vec(1, 2))));
    expect(j).toBeInstanceOf(TracedValueError);
    expect(j.message).toMatch(/written into out/);
    expect(out).toEqual(vec(0, 0));
    expect(J.data).toEqual(new Float64Array(4));
  });
});

describe('arguments that are not what an operator takes', () => {
  test('f that is not a function, by operator', () => {
    const e = thrown(() => gradient(3 as never, tape(), vec(1)));
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.message).toMatch(/^gradient: f \(the first argument\) must be a function/);
  });

  test('a backend that is not one, by operator', () => {
    const e = thrown(() => jacobian(pair, {} as never, vec(1, 2)));
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.message).toMatch(/^jacobian: the backend argument \(the second\) is not a backend/);
  });

  test('an in-place f where only a returned output is accepted', () => {
    const f = inPlace((y: Buffer, x: m.Value) => y.assign(x), 2);
    const e = thrown(() => gradient(f as never, tape(), vec(1, 2)));
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.message).toMatch(/^gradient does not accept in-place functions/);
  });

  test('replay(f) where it is not replayed, and on an engine that cannot replay', () => {
    const f = replay((x: m.Value) => m.sum(x));
    const j = thrown(() => jacobian(f as never, tape(), vec(1, 2)));
    expect(j).toBeInstanceOf(InvalidInputError);
    expect(j.message).toMatch(/^jacobian does not replay functions/);
    const d = thrown(() => gradient(f, dual(), vec(1, 2)));
    expect(d).toBeInstanceOf(InvalidInputError);
    expect(d.message).toMatch(/^gradient: replay\(f\) needs an engine .* the dual engine/);
  });

  test('secondOrder names the argument that is not an engine', () => {
    expect(thrown(() => secondOrder({} as never, tape())).message).toMatch(/outer must be an engine/);
    expect(thrown(() => secondOrder(tape(), null as never)).message).toMatch(/inner must be an engine/);
    const pairOf = secondOrder(dual(), tape());
    expect(pairOf).toMatchObject({ kind: 'second-order', name: 'dual-over-tape' });
  });
});

describe('contexts reach f in every variant', () => {
  test('a constant and a cache, in the prepared forms and their Into variants', () => {
    // f(x, k, c) = k·Σx², written through the cache c
    const f = (x: m.Value, k: number, c: Buffer) => {
      c.assign(m.square(x));
      return m.mul(k, m.sum(c.read()));
    };
    const x = vec(1, 2);
    const prep = prepareGradient(f, tape(), x, constant(3), cache(2));
    expect(prep.gradient(x, constant(3), cache(2))).toEqual(vec(6, 12));
    expect(prep.valueAndGradient(vec(2, 1), constant(0.5), cache(2))).toEqual([2.5, vec(2, 1)]);
    const out = vec(0, 0);
    expect(prep.gradientInto(out, x, constant(-1), cache(2))).toEqual(vec(-2, -4));
    const d = prepareDerivative((t: m.Value, k: number) => m.mul(k, m.square(t)), dual(), 1, constant(2));
    expect(d.derivative(3, constant(5))).toBe(30);
    expect(valueAndDerivative((t: m.Value, k: number) => m.mul(k, t), tape(), 2, constant(4))).toEqual([
      8, 4,
    ]);
    const pf = preparePushforward((v: m.Value, k: number) => m.mul(k, v), tape(), x, [x], constant(2));
    expect(pf.pushforward(x, [vec(1, 1)], constant(3))).toEqual([vec(3, 3)]);
  });
});

describe('what a mismatch reports, argument by argument', () => {
  const f = (x: m.Value, k: number, c: Buffer) => {
    c.fill(k);
    return m.mul(m.sum(x), c.get(0));
  };

  test('an x of another shape beside matching contexts: each context is shown as matching', () => {
    const prep = prepareGradient(f, tape(), vec(1, 2), constant(2), cache(3));
    const e = thrown(() => prep.gradient(vec(1, 2, 3), constant(2), cache(3))) as PreparationMismatchError;
    expect(e).toBeInstanceOf(PreparationMismatchError);
    expect(e.checks).toEqual([
      { name: 'x', ok: false, detail: expect.stringMatching(/\[3\].*prepared with .*\[2\]/) },
      { name: 'context 1', ok: true, detail: 'constant' },
      { name: 'context 2', ok: true, detail: 'cache [3]' },
    ]);
    // the prepared call still works with its own arguments
    expect(prep.gradient(vec(5, 6), constant(2), cache(3))).toEqual(vec(2, 2));
  });

  test('a context the preparation did not have', () => {
    const prep = prepareGradient((x: m.Value) => m.sum(x), tape(), vec(1, 2));
    const e = thrown(() =>
      (prep.gradient as (...a: unknown[]) => unknown)(vec(1, 2), constant(1)),
    ) as PreparationMismatchError;
    expect(e).toBeInstanceOf(PreparationMismatchError);
    expect(e.checks.map((c) => [c.name, c.ok, c.detail])).toEqual([
      ['x', true, expect.any(String)],
      ['context 1', false, 'not prepared for'],
    ]);
  });

  test('f whose output structure changes between calls of a preparation', () => {
    let calls = 0;
    const g = (x: m.Value) => (calls++ === 0 ? m.mul(x, 2) : [m.mul(x, 2)]);
    const prep = prepareJacobian(g, tape(), vec(1, 2));
    expect(prep.jacobian(vec(1, 2))).toEqual(
      matrix([
        [2, 0],
        [0, 2],
      ]),
    );
    const e = thrown(() => prep.jacobian(vec(1, 2)));
    expect(e).toBeInstanceOf(StructureMismatchError);
    expect(e.message).toMatch(/^f returned .* where an earlier call returned .*must not depend on x/);
  });
});

describe('in-place functions and the point an operator differentiates at', () => {
  test('each call of an in-place f starts from a zeroed output buffer', () => {
    // f adds into y: y ← y + (x², 3x); from zeros each call, so y = (x², 3x) every time.
    const f = inPlace((y: Buffer, t: m.Value) => {
      y.set(0, m.add(y.get(0), m.square(t)));
      y.set(1, m.add(y.get(1), m.mul(3, t)));
    }, 2);
    const prep = prepareDerivative(f, tape(), 1);
    expect(prep.valueAndDerivative(2)).toEqual([vec(4, 6), vec(4, 3)]);
    expect(prep.valueAndDerivative(2)).toEqual([vec(4, 6), vec(4, 3)]);
    const J = prepareJacobian(
      inPlace((y: Buffer, x: m.Value) => y.assign(m.add(y.read(), m.mul(x, x))), new NDArray(vec(0, 0), [2])),
      dual(),
      vec(1, 2),
    );
    for (let i = 0; i < 2; i++) {
      // y has the kind of the template: an NDArray
      expect(J.valueAndJacobian(vec(1, 3))).toEqual([
        new NDArray(vec(1, 9), [2]),
        matrix([
          [2, 0],
          [0, 6],
        ]),
      ]);
    }
  });

  test('an in-place f whose template is not a shape is refused by inPlace, naming the argument', () => {
    const e = thrown(() => inPlace((() => {}) as never, 'two' as never));
    expect(e).toBeInstanceOf(InvalidInputError);
    expect(e.message).toMatch(/^inPlace\(f, yTemplate\): yTemplate is/);
    const g = thrown(() => inPlace(3 as never, 2));
    expect(g.message).toMatch(/^inPlace\(f, yTemplate\): f must be a function/);
  });

  test.each([
    ['a Float64Array', () => vec(1, 2)],
    ['an NDArray', () => new NDArray(vec(1, 2), [1, 2])],
  ])('f writing into the caller’s x (%s) does not move the point', (_name, make) => {
    // f = x₀·x₁ read through the argument; f also overwrites the caller's x₀ on each evaluation.
    const x = make();
    const data = x instanceof NDArray ? x.data : x;
    const f = (v: m.Value) => {
      data[0] = 100;
      return m.mul(m.get(m.reshape(v, [2]), 0), m.get(m.reshape(v, [2]), 1));
    };
    const engine = dual();
    const g = gradient(f, engine, x);
    expect(engine.evaluations).toBe(2);
    // ∇ = (x₁, x₀) at (1, 2)
    expect(Array.from(g instanceof NDArray ? g.data : (g as Float64Array))).toEqual([2, 1]);
  });

  test('gradientInto a tree: number leaves replaced in their container, arrays overwritten', () => {
    // f = a² + b₀·c₀ + 2·c₁ + d
    const f = (p: { a: m.Value; b: m.Value[]; c: m.Value; d: { e: m.Value } }) =>
      m.add(
        m.add(m.square(p.a), m.mul(p.b[0]!, m.get(p.c, 0))),
        m.add(m.mul(2, m.get(p.c, 1)), m.sum(p.d.e)),
      );
    const x = { a: 3, b: [4], c: vec(5, 6), d: { e: new NDArray(vec(1, 1), [1, 2]) } };
    const c = vec(0, 0);
    const e = new NDArray(vec(0, 0), [1, 2]);
    const out = { a: 0, b: [0], c, d: { e } };
    expect(gradientInto(out, f, tape(), x)).toBe(out);
    expect(out).toEqual({ a: 6, b: [5], c: vec(4, 2), d: { e: new NDArray(vec(1, 1), [1, 2]) } });
    expect(out.c).toBe(c);
    expect(out.d.e).toBe(e);
    // An out of another structure: nothing is written.
    const bad = { a: 0, b: [0, 0], c: vec(0, 0), d: { e: new NDArray(vec(0, 0), [1, 2]) } };
    expect(thrown(() => gradientInto(bad as never, f, tape(), x))).toBeInstanceOf(StructureMismatchError);
    expect(bad).toEqual({ a: 0, b: [0, 0], c: vec(0, 0), d: { e: new NDArray(vec(0, 0), [1, 2]) } });
  });
});

describe('scalar inputs and cotangents, named', () => {
  test('derivative and secondDerivative need a scalar x, not a tree holding one', () => {
    const d = thrown(() => derivative((x: m.Value) => x, tape(), [1] as never));
    expect(d).toBeInstanceOf(InvalidInputError);
    expect(d.message).toMatch(/^derivative needs a scalar x/);
    const s = thrown(() => prepareSecondDerivative(m.sin, secondOrder(dual(), tape()), vec(1, 2) as never));
    expect(s).toBeInstanceOf(InvalidInputError);
    expect(s.message).toMatch(/^secondDerivative needs a scalar x/);
  });

  test('a cotangent of another shape is named by its index', () => {
    const e = thrown(() => pullback(pair, tape(), vec(1, 2), [vec(1, 0), vec(1, 0, 0)]));
    expect(e).toBeInstanceOf(StructureMismatchError);
    expect(e.message).toMatch(/cotangents\[1\]/);
  });
});

describe('first-order operators given a second-order pair use its inner engine', () => {
  test('gradient, jacobian and derivative on secondOrder(outer, inner) run the inner engine only', () => {
    const outer = dual();
    const inner = dual();
    const backend = secondOrder(outer, inner);
    expect(gradient(poly, backend, vec(1, 2))).toEqual(vec(4, 13));
    expect(jacobian(pair, backend, vec(2, 5))).toEqual(
      matrix([
        [5, 2],
        [1, 3],
      ]),
    );
    expect(derivative(m.square, backend, 3)).toBe(6);
    expect(outer.evaluations).toBe(0);
    // two columns for the gradient, two for the Jacobian, one for the derivative
    expect(inner.evaluations).toBe(5);
  });
});
