/**
 * Property tests of every primitive's rules on random inputs: the JVP rule against central
 * differences of the float64 kernel, and the VJP rule against the JVP rule by the adjoint
 * identity ⟨v, J·u⟩ = ⟨Jᵀ·v, u⟩. The loop runs over the primitive table, so a new primitive is
 * covered as soon as it has an input domain below.
 */
import type { Plain, Shape } from '@diffint/core';
import {
  type Primitive,
  type PrimitiveName,
  type PrimitiveParams,
  type Tangent,
  fromData,
  isTracer,
  plainData,
  plainShape,
  primitives,
} from '@diffint/core/engine';
import { describe, expect, test } from 'vitest';
import { type Rng, plainOf, rng, signed, uniform } from './support/random.js';

interface Case<N extends PrimitiveName> {
  readonly label: string;
  readonly args: readonly Plain[];
  readonly params: PrimitiveParams[N];
  /** Which arguments are differentiated (default: all); a condition or an integer exponent is not. */
  readonly active?: readonly boolean[];
}

interface Domain<N extends PrimitiveName> {
  /** Comparisons and sign: piecewise constant, so their rules must give a zero derivative. */
  readonly zeroDerivative?: true;
  readonly cases: (r: Rng) => Case<N>[];
}

const none = {};

/** NumPy broadcasting pairs: equal shapes, a scalar with anything, a bias vector across rows, [m,1] with [1,n]. */
const binaryShapes: readonly (readonly [Shape, Shape])[] = [
  [[], []],
  [[], [4]],
  [[4], []],
  [[3, 4], [4]],
  [[4], [3, 4]],
  [
    [3, 1],
    [1, 4],
  ],
  [
    [3, 4],
    [3, 4],
  ],
  [
    [2, 3, 4],
    [3, 1],
  ],
];
const unaryShapes: readonly Shape[] = [[], [5], [2, 3]];

function binary<N extends PrimitiveName>(
  a: (r: Rng) => () => number,
  b: (r: Rng) => () => number,
): (r: Rng) => Case<N>[] {
  return (r) =>
    binaryShapes.map(([sa, sb]) => ({
      label: `[${sa}] with [${sb}]`,
      args: [plainOf(sa, a(r)), plainOf(sb, b(r))],
      params: none as PrimitiveParams[N],
    }));
}

function unary<N extends PrimitiveName>(x: (r: Rng) => () => number): (r: Rng) => Case<N>[] {
  return (r) =>
    unaryShapes.map((s) => ({
      label: `[${s}]`,
      args: [plainOf(s, x(r))],
      params: none as PrimitiveParams[N],
    }));
}

const anywhere = (r: Rng) => uniform(r, -2, 2);
const positive = (r: Rng) => uniform(r, 0.5, 3);
const awayFromZero = (r: Rng) => signed(r, 0.3, 2);
// Values in bands (2i + 0.1, 2i + 0.9) and (2j + 1.1, 2j + 1.9): an `a` and a `b` are never
// within 0.2 of each other, so max, min and comparisons are smooth at every drawn point.
const lowBand = (r: Rng) => () => 2 * Math.floor(3 * r() - 1) + 0.1 + 0.8 * r();
const highBand = (r: Rng) => () => 2 * Math.floor(3 * r() - 1) + 1.1 + 0.8 * r();

/** The input domain of every primitive: the table of primitives must have no entry missing here. */
const domains: { readonly [N in PrimitiveName]: Domain<N> } = {
  abs: { cases: unary(awayFromZero) },
  add: { cases: binary(anywhere, anywhere) },
  broadcastTo: {
    cases: (r) =>
      (
        [
          [[4], [3, 4]],
          [
            [3, 1],
            [3, 4],
          ],
          [[], [5]],
          [[1], [2, 3]],
          [
            [2, 1, 4],
            [2, 3, 4],
          ],
        ] as const
      ).map(([from, to]) => ({
        label: `[${from}] to [${to}]`,
        args: [plainOf(from, anywhere(r))],
        params: { shape: to },
      })),
  },
  concat: {
    cases: (r) =>
      [
        [[2], [3]],
        [[3], [1]],
        [
          [2, 3],
          [1, 3],
          [2, 3],
        ],
      ].map((shapes) => ({
        label: shapes.map((s) => `[${s}]`).join(', '),
        args: shapes.map((s) => plainOf(s, anywhere(r))),
        params: none,
      })),
  },
  cos: { cases: unary(anywhere) },
  div: { cases: binary(anywhere, awayFromZero) },
  equal: { zeroDerivative: true, cases: binary(lowBand, highBand) },
  exp: { cases: unary(anywhere) },
  greater: { zeroDerivative: true, cases: binary(lowBand, highBand) },
  greaterEqual: { zeroDerivative: true, cases: binary(highBand, lowBand) },
  less: { zeroDerivative: true, cases: binary(lowBand, highBand) },
  lessEqual: { zeroDerivative: true, cases: binary(highBand, lowBand) },
  log: { cases: unary(positive) },
  matmul: {
    cases: (r) =>
      (
        [
          [
            [2, 3],
            [3, 4],
          ],
          [
            [1, 3],
            [3, 1],
          ],
          [
            [3, 3],
            [3, 3],
          ],
        ] as const
      ).map(([sa, sb]) => ({
        label: `[${sa}] × [${sb}]`,
        args: [plainOf(sa, anywhere(r)), plainOf(sb, anywhere(r))],
        params: none,
      })),
  },
  matmulNoNan: {
    cases: (r) =>
      (
        [
          [
            [2, 3],
            [3, 4],
          ],
          [
            [1, 3],
            [3, 1],
          ],
        ] as const
      ).map(([sa, sb]) => ({
        label: `[${sa}] × [${sb}]`,
        args: [plainOf(sa, anywhere(r)), plainOf(sb, anywhere(r))],
        params: none,
      })),
  },
  maximum: { cases: binary(lowBand, highBand) },
  minimum: { cases: binary(highBand, lowBand) },
  mul: { cases: binary(anywhere, anywhere) },
  mulNoNan: { cases: binary(anywhere, anywhere) },
  neg: { cases: unary(anywhere) },
  pad: {
    cases: (r) =>
      (
        [
          [[3], 1, 2],
          [[2, 3], 0, 1],
          [[2, 3], 2, 0],
        ] as const
      ).map(([s, before, after]) => ({
        label: `[${s}] by (${before}, ${after})`,
        args: [plainOf(s, anywhere(r))],
        params: { before, after },
      })),
  },
  pow: {
    cases: (r) => [
      ...binary<'pow'>(positive, anywhere)(r),
      {
        // A negative base has a real power only at an integer exponent: only the base is differentiated.
        label: 'negative base, integer exponents',
        args: [plainOf([4], signed(r, 0.5, 2)), Float64Array.of(2, 3, -1, -2)],
        params: none,
        active: [true, false],
      },
    ],
  },
  reshape: {
    cases: (r) =>
      (
        [
          [[6], [2, 3]],
          [
            [2, 3],
            [3, 2],
          ],
          [[2, 3], [6]],
          [[], [1]],
          [[1], []],
        ] as const
      ).map(([from, to]) => ({
        label: `[${from}] to [${to}]`,
        args: [plainOf(from, anywhere(r))],
        params: { shape: to },
      })),
  },
  scatterAdd: {
    cases: (r) =>
      (
        [
          [[5], [1, 3, 1]],
          [
            [4, 3],
            [0, 3],
          ],
          [
            [4, 3],
            [2, 2, 2, 0],
          ],
          [[3, 2, 2], [1]],
          [[3], []],
        ] as const
      ).map(([s, indices]) => ({
        label: `[${s}] at rows ${indices}`,
        args: [plainOf(s, anywhere(r)), plainOf([indices.length, ...s.slice(1)], anywhere(r))],
        params: { indices: Int32Array.from(indices) },
      })),
  },
  sigmoid: {
    cases: (r) => [...unary<'sigmoid'>(anywhere)(r), ...unary<'sigmoid'>((r) => signed(r, 20, 30))(r)],
  },
  sign: { zeroDerivative: true, cases: unary(awayFromZero) },
  sin: { cases: unary(anywhere) },
  slice: {
    cases: (r) =>
      (
        [
          [[5], 1, 4],
          [[4, 3], 1, 3],
          [[4, 3], 0, 1],
        ] as const
      ).map(([s, start, end]) => ({
        label: `[${s}] rows ${start}…${end}`,
        args: [plainOf(s, anywhere(r))],
        params: { start, end },
      })),
  },
  sqrt: { cases: unary(positive) },
  square: { cases: unary(anywhere) },
  sub: { cases: binary(anywhere, anywhere) },
  sum: {
    cases: (r) =>
      (
        [
          [[], null],
          [[5], null],
          [[5], 0],
          [[3, 4], null],
          [[3, 4], 0],
          [[3, 4], 1],
          [[2, 3, 4], 1],
        ] as const
      ).map(([s, axis]) => ({
        label: `[${s}] axis ${axis}`,
        args: [plainOf(s, anywhere(r))],
        params: { axis },
      })),
  },
  take: {
    cases: (r) =>
      (
        [
          [[5], [4, 0, 2]],
          [[5], [1, 1, 3, 1]],
          [
            [4, 3],
            [3, 0],
          ],
          [[3, 2, 2], [2]],
          [[3], []],
        ] as const
      ).map(([s, indices]) => ({
        label: `[${s}] rows ${indices}`,
        args: [plainOf(s, anywhere(r))],
        params: { indices: Int32Array.from(indices) },
      })),
  },
  tan: { cases: unary((r) => uniform(r, -1.2, 1.2)) },
  tanh: { cases: unary(anywhere) },
  transpose: {
    cases: (r) =>
      (
        [
          [3, 4],
          [1, 5],
        ] as const
      ).map((s) => ({ label: `[${s}]`, args: [plainOf(s, anywhere(r))], params: none })),
  },
  where: {
    cases: (r) =>
      (
        [
          [[], [], []],
          [[5], [5], [5]],
          [[3, 4], [4], []],
          [
            [3, 1],
            [1, 4],
            [3, 4],
          ],
        ] as const
      ).map(([sc, sa, sb]) => ({
        label: `cond [${sc}], [${sa}], [${sb}]`,
        args: [plainOf(sc, () => (r() < 0.5 ? 0 : 1)), plainOf(sa, anywhere(r)), plainOf(sb, anywhere(r))],
        params: none,
        active: [false, true, true],
      })),
  },
};

// ---- plain vector arithmetic ----

const data = (v: Tangent): Float64Array => {
  if (v === null || isTracer(v)) throw new Error('expected a plain value');
  return plainData(v);
};
const shapeOfPlain = (v: Tangent): Shape => {
  if (v === null || isTracer(v)) throw new Error('expected a plain value');
  return plainShape(v);
};
const dotPlain = (a: Plain, b: Plain) => {
  const x = plainData(a);
  const y = plainData(b);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
};
const along = (x: Plain, u: Plain, h: number): Plain =>
  fromData(
    plainData(x).map((xi, i) => xi + h * plainData(u)[i]!),
    plainShape(x),
  );

const H = 1e-5;

/** Central difference of the kernel along `dirs` (null: that argument held fixed). */
function centralDifference<N extends PrimitiveName>(
  prim: Primitive<N>,
  args: readonly Plain[],
  dirs: readonly (Plain | null)[],
  params: PrimitiveParams[N],
): Float64Array {
  const at = (h: number) =>
    prim.impl(
      args.map((a, i) => (dirs[i] ? along(a, dirs[i]!, h) : a)),
      params,
    );
  const plus = plainData(at(H));
  const minus = plainData(at(-H));
  return plus.map((p, i) => (p - minus[i]!) / (2 * H));
}

function expectClose(actual: Float64Array, expected: Float64Array, rtol: number) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    const err = Math.abs(actual[i]! - expected[i]!);
    if (!(err <= rtol * (1 + Math.abs(expected[i]!)))) {
      expect.fail(`element ${i}: ${actual[i]} vs ${expected[i]} (error ${err.toExponential(2)})`);
    }
  }
}

const names = Object.keys(primitives) as PrimitiveName[];

test('every primitive of the table has an input domain, and is filed under its own name', () => {
  for (const name of names) {
    expect(domains[name], `no input domain for primitive '${name}'`).toBeDefined();
    expect(primitives[name].name).toBe(name);
  }
  expect(Object.keys(domains).sort()).toEqual([...names].sort());
});

describe.each(names)('primitive %s', (name) => {
  const prim = primitives[name] as Primitive<PrimitiveName>;
  const domain = domains[name] as Domain<PrimitiveName>;
  const r = rng([...name].reduce((h, c) => h * 31 + c.charCodeAt(0), 7));
  const cases = [1, 2, 3].flatMap(() => domain.cases(r));

  test.each(cases.map((c) => [c.label, c] as const))('%s', (_label, c) => {
    const { args, params } = c;
    const active = c.active ?? args.map(() => true);
    const out = prim.impl(args, params);
    const outShape = plainShape(out);
    expect(prim.shape(args.map(plainShape), params)).toEqual(outShape);
    const dirs = args.map((a, i) => (active[i] ? plainOf(plainShape(a), uniform(r, -1, 1)) : null));
    const v = plainOf(outShape, uniform(r, -1, 1));
    const vjp = prim.vjp(v, args, out, params, active);

    if (domain.zeroDerivative) {
      expect(prim.jvp(dirs, args, out, params)).toBeNull();
      vjp.forEach((ct) => {
        if (ct !== null) expect(data(ct).every((e) => e === 0)).toBe(true);
      });
      expect(centralDifference(prim, args, dirs, params).every((d) => d === 0)).toBe(true);
      return;
    }

    // JVP along every active argument at once, then along each alone (the other tangents null).
    const solo = active.flatMap((on, i) => (on ? [dirs.map((d, j) => (j === i ? d : null))] : []));
    for (const ds of [dirs, ...solo]) {
      const jvp = prim.jvp(ds, args, out, params);
      expect(shapeOfPlain(jvp)).toEqual(outShape);
      expectClose(data(jvp), centralDifference(prim, args, ds, params), 1e-6);
    }

    // ⟨v, J·u⟩ = Σᵢ ⟨Jᵢᵀ·v, uᵢ⟩, each cotangent shaped like its argument.
    const lhs = dotPlain(v, data(prim.jvp(dirs, args, out, params)));
    let rhs = 0;
    vjp.forEach((ct, i) => {
      if (!active[i]) {
        if (name === 'where') expect(ct).toBeNull();
        return;
      }
      expect(shapeOfPlain(ct)).toEqual(plainShape(args[i]!));
      rhs += dotPlain(data(ct), dirs[i]!);
      // Asking for this argument alone gives the same cotangent.
      const alone = prim.vjp(
        v,
        args,
        out,
        params,
        active.map((_, j) => j === i),
      )[i]!;
      expect(Array.from(data(alone))).toEqual(Array.from(data(ct)));
    });
    expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(lhs)));
  });
});

describe('rules that must give a zero derivative', () => {
  test('comparisons at ties and sign at 0 still give null tangents', () => {
    const x = Float64Array.of(1, 0, -1);
    for (const name of ['equal', 'greater', 'greaterEqual', 'less', 'lessEqual'] as const) {
      const prim = primitives[name];
      const out = prim.impl([x, x], none);
      expect(prim.jvp([x, x], [x, x], out, none)).toBeNull();
      expect(prim.vjp(x, [x, x], out, none, [true, true])).toEqual([null, null]);
    }
    const out = primitives.sign.impl([x], none);
    expect(primitives.sign.jvp([x], [x], out, none)).toBeNull();
    expect(primitives.sign.vjp(x, [x], out, none, [true])).toEqual([null]);
  });

  test('the condition of where has no derivative', () => {
    const c = Float64Array.of(1, 0);
    const a = Float64Array.of(2, 3);
    const b = Float64Array.of(4, 5);
    const out = primitives.where.impl([c, a, b], none);
    expect(primitives.where.jvp([Float64Array.of(1, 1), null, null], [c, a, b], out, none)).toBeNull();
  });
});

describe('scalar rules: the op on plain numbers and its partials', () => {
  const elementwise = [
    'abs',
    'add',
    'cos',
    'div',
    'equal',
    'exp',
    'greater',
    'greaterEqual',
    'less',
    'lessEqual',
    'log',
    'maximum',
    'minimum',
    'mul',
    'mulNoNan',
    'neg',
    'pow',
    'sigmoid',
    'sign',
    'sin',
    'sqrt',
    'square',
    'sub',
    'tan',
    'tanh',
  ];

  test('every elementwise primitive of one or two arguments has one, and no other primitive', () => {
    expect(names.filter((n) => primitives[n].scalar !== undefined).sort()).toEqual([...elementwise].sort());
  });

  describe.each(elementwise as PrimitiveName[])('%s', (name) => {
    const prim = primitives[name] as Primitive<PrimitiveName>;
    const domain = domains[name] as Domain<PrimitiveName>;
    const r = rng([...name].reduce((h, c) => h * 17 + c.charCodeAt(0), 3));
    // Scalar cases: elements of every case whose arguments have equal sizes (or size 1).
    const cases = [1, 2, 3].flatMap(() =>
      domain.cases(r).flatMap((c) => {
        const sizes = c.args.map((a) => plainData(a).length);
        const n = Math.max(...sizes);
        if (!sizes.every((k) => k === n || k === 1)) return [];
        return Array.from({ length: Math.min(n, 4) }, (_, k) => ({
          ...c,
          label: `${c.label}, element ${k}`,
          args: c.args.map((a) => plainData(a)[plainData(a).length === 1 ? 0 : k]!),
        }));
      }),
    );

    test('has scalar cases to check', () => {
      expect(cases.length).toBeGreaterThan(0);
    });

    test.each(cases.map((c) => [c.label, c] as const))('%s', (_label, c) => {
      const rule = prim.scalar!;
      const args = c.args as number[];
      const active = c.active ?? args.map(() => true);
      const [a, b = 0] = args;
      const out = new Float64Array(3).fill(Number.NaN);
      rule.eval(a!, b, out);
      const y = out[0]!;
      expect(Object.is(y, prim.impl(args, c.params))).toBe(true);
      expect(rule.constant).toBe(domain.zeroDerivative === true);
      args.forEach((_, i) => {
        const unit = args.map((_, j) => (j === i ? 1 : null));
        const jvp = prim.jvp(unit, args, y, c.params);
        const byJvp = jvp === null ? 0 : data(jvp)[0]!;
        const d = out[1 + i]!;
        expect(Math.abs(d - byJvp)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(byJvp)));
        if (active[i] && !domain.zeroDerivative) {
          const dirs = args.map((_, j) => (j === i ? 1 : null));
          expectClose(Float64Array.of(d), centralDifference(prim, args, dirs, c.params), 1e-6);
        }
      });
    });
  });
});

describe('classification: what each primitive states about itself holds', () => {
  test.each(names)('%s', (name) => {
    const prim = primitives[name] as Primitive<PrimitiveName>;
    const c = prim.classification;
    const domain = domains[name] as Domain<PrimitiveName>;
    expect(c.zeroDerivative).toBe(domain.zeroDerivative === true);
    expect(c.elementwise).toBe(prim.scalar !== undefined || name === 'where');
    const r = rng([...name].reduce((h, ch) => h * 13 + ch.charCodeAt(0), 5));
    for (const { args, params, active } of domain.cases(r)) {
      const out = prim.impl(args, params);
      args.forEach((a, i) => {
        if (active !== undefined && !active[i]) return;
        const dep = c.args[Math.min(i, c.args.length - 1)];
        const dir = plainOf(plainShape(a), uniform(r, -1, 1));
        const ts = args.map((_, j) => (j === i ? dir : null));
        const t = prim.jvp(ts, args, out, params);
        if (dep === 'none') {
          if (t !== null) expect(data(t).every((e) => e === 0)).toBe(true);
        } else if (dep === 'linear') {
          // Linear in argument i: the JVP along it does not depend on where argument i is.
          const moved = args.map((b, j) =>
            j === i ? along(b, plainOf(plainShape(b), uniform(r, -1, 1)), 0.5) : b,
          );
          const t2 = prim.jvp(ts, moved, prim.impl(moved, params), params);
          expectClose(data(t2), data(t), 1e-12);
        }
      });
    }
  });
});
