/**
 * Property tests of every primitive's rules (fast-check): the JVP rule against central
 * differences of the float64 kernel, and the VJP rule against the JVP rule by the adjoint
 * identity ⟨v, J·u⟩ = ⟨Jᵀ·v, u⟩, on shapes that broadcast; each scalar rule against the kernel
 * and the JVP rule. The tests run over the primitive table, so a new primitive is covered as soon
 * as it has an input domain below. A failure prints the shrunk counterexample and the seed to
 * replay it with (`fc.assert(…, { seed, path })`).
 */
import { type Plain, type Shape, customRule } from '@diffint/core';
import {
  Trace,
  Tracer,
  type Value,
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
import * as m from '@diffint/core/math';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  type Arr,
  arr,
  between,
  broadcastableTo,
  plain,
  shape,
  signed,
  size,
} from './support/arbitraries.js';

/** Inputs of one primitive application: arguments, directions for the JVP, a cotangent for the VJP. */
interface Case {
  readonly params: object;
  readonly args: readonly Arr[];
  /** Which arguments are differentiated (default: all); a condition or an integer exponent is not. */
  readonly active?: readonly boolean[];
  readonly dirs: readonly Arr[];
  readonly v: Arr;
}

/** Arguments of an elementwise primitive applied to plain numbers. */
interface ScalarCase {
  readonly args: readonly number[];
  readonly active?: readonly boolean[];
}

interface Domain {
  /** Comparisons and sign: piecewise constant, so their rules must give a zero derivative. */
  readonly zeroDerivative?: true;
  /** stopGradient: a zero derivative by definition, of a kernel that is not flat. */
  readonly notFlat?: true;
  readonly cases: fc.Arbitrary<Case>;
  /** Elementwise primitives of one or two arguments: points for the scalar rule. */
  readonly scalars?: fc.Arbitrary<ScalarCase>;
}

/** Argument shapes and parameters; the elements are drawn separately. */
interface Layout {
  readonly shapes: readonly Shape[];
  readonly params?: object;
  readonly active?: readonly boolean[];
}

const none = {};
const unit = between(-1, 1);

/** A case on `layout`: argument i's elements from `elements[i]` (or the last). */
function casesOn(
  name: PrimitiveName,
  layout: fc.Arbitrary<Layout>,
  elements: readonly fc.Arbitrary<number>[],
): fc.Arbitrary<Case> {
  const prim = primitives[name] as Primitive<PrimitiveName>;
  return layout.chain(({ shapes, params = none, active }) => {
    const out = prim.shape(shapes, params as never);
    return fc
      .record({
        args: fc.tuple(...shapes.map((s, i) => arr(s, elements[Math.min(i, elements.length - 1)]!))),
        dirs: fc.tuple(...shapes.map((s) => arr(s, unit))),
        v: arr(out, unit),
      })
      .map((r) => ({ params, ...(active ? { active } : {}), ...r }));
  });
}

const unaryLayout: fc.Arbitrary<Layout> = shape().map((s) => ({ shapes: [s] }));
const broadcastLayout = (arity: number): fc.Arbitrary<Layout> =>
  shape().chain((to) =>
    fc.tuple(...Array.from({ length: arity }, () => broadcastableTo(to))).map((shapes) => ({ shapes })),
  );

function unary(name: PrimitiveName, x: fc.Arbitrary<number>): Domain {
  return { cases: casesOn(name, unaryLayout, [x]), scalars: fc.tuple(x).map((args) => ({ args })) };
}

function binary(name: PrimitiveName, a: fc.Arbitrary<number>, b: fc.Arbitrary<number>): Domain {
  return {
    cases: casesOn(name, broadcastLayout(2), [a, b]),
    scalars: fc.tuple(a, b).map((args) => ({ args })),
  };
}

const anywhere = between(-2, 2);
const positive = between(0.5, 3);
const awayFromZero = signed(0.3, 2);
// Values in bands (2i + 0.1, 2i + 0.9) and (2j + 1.1, 2j + 1.9): an `a` and a `b` are never
// within 0.2 of each other, so max, min and comparisons are smooth at every drawn point.
const band = (offset: number) =>
  fc.tuple(fc.integer({ min: -1, max: 1 }), between(0.1, 0.9)).map(([k, o]) => 2 * k + offset + o);
const lowBand = band(0);
const highBand = band(1);
const comparison = (name: PrimitiveName, a: fc.Arbitrary<number>, b: fc.Arbitrary<number>): Domain => ({
  zeroDerivative: true,
  ...binary(name, a, b),
});

// A negative base has a real power only at an integer exponent: only the base is differentiated.
const integerExponent = fc.integer({ min: -2, max: 3 });
const negativeBase = signed(0.5, 2);
const powOfNegative: fc.Arbitrary<Case> = casesOn(
  'pow',
  broadcastLayout(2).map((l) => ({ ...l, active: [true, false] })),
  [negativeBase, integerExponent],
);
const sigmoidTails = signed(20, 30);
const insideUnit = between(-0.9, 0.9);
// Away from the jumps of floor, ceil, trunc (integers) and round (halves): k + (0.1 … 0.4).
const betweenJumps = fc.tuple(fc.integer({ min: -2, max: 2 }), between(0.1, 0.4)).map(([k, o]) => k + o);
const piecewiseConstant = (name: PrimitiveName): Domain => ({
  zeroDerivative: true,
  ...unary(name, betweenJumps),
});
/** Both sides of erf's switch from its series to its continued fraction at 2.5. */
const erfPoints = fc.oneof(anywhere, signed(2.3, 4));
const softplusTails = fc.oneof(anywhere, signed(20, 40));
const dim = fc.integer({ min: 1, max: 4 });
const matrixProduct: fc.Arbitrary<Layout> = fc.tuple(dim, dim, dim).map(([m, k, n]) => ({
  shapes: [
    [m, k],
    [k, n],
  ],
}));

/** Elements no two of which are within 10⁻³ of each other: a reduction's maximum is never near a tie. */
const distinct = (c: Case): Case => ({
  ...c,
  args: c.args.map((a) => ({ ...a, data: a.data.map((e, i) => e + i * 1e-3) })),
});
const tenths = fc.integer({ min: -20, max: 20 }).map((k) => k / 10);
/** A shape with an axis of it, or null (every axis) where `whole` allows. */
const axisLayout = (whole: boolean): fc.Arbitrary<Layout> =>
  shape(whole ? 0 : 1).chain((s) =>
    (whole
      ? fc.option(fc.integer({ min: 0, max: Math.max(0, s.length - 1) }), { nil: null })
      : fc.integer({ min: 0, max: s.length - 1 })
    ).map((axis) => ({ shapes: [s], params: { axis: s.length === 0 ? null : axis } })),
  );

/** Up to four row indices of an axis of length n, repeats allowed (they accumulate in scatterAdd). */
const rowIndices = (n: number) => fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 4 });

/** A trace that only keeps the parameters of the last primitive bound on it. */
class Capture extends Trace {
  readonly engine = 'capture';
  params: object = none;
  process(_p: unknown, _args: readonly Value[], params: object): Value {
    this.params = params;
    return 0;
  }
  primal(): Value {
    return 0;
  }
}
class Captured extends Tracer {
  readonly shape: Shape = [];
  constructor(readonly trace: Capture) {
    super();
  }
}

/** a·sin(b) with rules of its own; its call object, as the customCall primitive receives it. */
const aSinB = customRule((a: Value, b: Value) => m.mul(a, m.sin(b)), {
  name: 'aSinB',
  jvp: ([a, b], [ta, tb]) => [m.mul(a, m.sin(b)), m.add(m.mul(ta, m.sin(b)), m.mul(m.mul(a, m.cos(b)), tb))],
  vjp: ([a, b], ct) => [
    m.sumTo(m.mul(ct, m.sin(b)), m.shape(a)),
    m.sumTo(m.mul(ct, m.mul(a, m.cos(b))), m.shape(b)),
  ],
  shape: (sa, sb) => m.shape(m.add(m.zeros(sa), m.zeros(sb))),
});
const capture = new Capture();
aSinB(new Captured(capture), 1);
capture.finish();
const aSinBCall = (capture.params as { call: unknown }).call;

/** The input domain of every primitive: the table of primitives must have no entry missing here. */
const domains: { readonly [N in PrimitiveName]: Domain } = {
  abs: unary('abs', awayFromZero),
  acos: unary('acos', insideUnit),
  acosh: unary('acosh', between(1.1, 3)),
  asin: unary('asin', insideUnit),
  asinh: unary('asinh', fc.oneof(anywhere, signed(2, 50))),
  atan: unary('atan', fc.oneof(anywhere, signed(2, 50))),
  // a away from 0: no point near the origin or on the cut (a = 0, b < 0) where the angle jumps.
  atan2: binary('atan2', awayFromZero, anywhere),
  atanh: unary('atanh', insideUnit),
  ceil: piecewiseConstant('ceil'),
  cosh: unary('cosh', anywhere),
  cumsum: { cases: casesOn('cumsum', axisLayout(false), [anywhere]) },
  max: { cases: casesOn('max', axisLayout(true), [tenths]).map(distinct) },
  erf: { cases: unary('erf', erfPoints).cases, scalars: fc.tuple(erfPoints).map((args) => ({ args })) },
  expm1: unary('expm1', anywhere),
  floor: piecewiseConstant('floor'),
  log10: unary('log10', positive),
  log1p: unary('log1p', between(-0.5, 3)),
  log2: unary('log2', positive),
  round: piecewiseConstant('round'),
  sinh: unary('sinh', anywhere),
  softplus: unary('softplus', softplusTails),
  stopGradient: { zeroDerivative: true, notFlat: true, ...unary('stopGradient', anywhere) },
  trunc: piecewiseConstant('trunc'),
  add: binary('add', anywhere, anywhere),
  broadcastTo: {
    cases: casesOn(
      'broadcastTo',
      shape().chain((to) => broadcastableTo(to).map((from) => ({ shapes: [from], params: { shape: to } }))),
      [anywhere],
    ),
  },
  concat: {
    cases: casesOn(
      'concat',
      fc
        .tuple(shape(0, 2), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }))
        .map(([rest, rows]) => ({ shapes: rows.map((r) => [r, ...rest]) })),
      [anywhere],
    ),
  },
  cos: unary('cos', anywhere),
  customCall: {
    cases: casesOn(
      'customCall',
      broadcastLayout(2).map(({ shapes }) => ({
        shapes,
        params: {
          call: aSinBCall,
          shape: m.shape(m.add(m.zeros(shapes[0]!), m.zeros(shapes[1]!))),
          active: 2,
          extra: [],
        },
      })),
      [anywhere],
    ),
  },
  div: binary('div', anywhere, awayFromZero),
  equal: comparison('equal', lowBand, highBand),
  exp: unary('exp', anywhere),
  greater: comparison('greater', lowBand, highBand),
  greaterEqual: comparison('greaterEqual', highBand, lowBand),
  less: comparison('less', lowBand, highBand),
  lessEqual: comparison('lessEqual', highBand, lowBand),
  log: unary('log', positive),
  matmul: { cases: casesOn('matmul', matrixProduct, [anywhere]) },
  matmulNoNan: { cases: casesOn('matmulNoNan', matrixProduct, [anywhere]) },
  maximum: binary('maximum', lowBand, highBand),
  minimum: binary('minimum', highBand, lowBand),
  mul: binary('mul', anywhere, anywhere),
  mulNoNan: binary('mulNoNan', anywhere, anywhere),
  neg: unary('neg', anywhere),
  pad: {
    cases: casesOn(
      'pad',
      fc
        .tuple(shape(1, 3), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 }))
        .map(([s, before, after]) => ({ shapes: [s], params: { before, after } })),
      [anywhere],
    ),
  },
  pow: {
    cases: fc.oneof(binary('pow', positive, anywhere).cases, powOfNegative),
    scalars: fc.oneof(
      fc.tuple(positive, anywhere).map((args) => ({ args })),
      fc.tuple(negativeBase, integerExponent).map((args) => ({ args, active: [true, false] })),
    ),
  },
  reshape: {
    cases: casesOn(
      'reshape',
      // Two groupings of one list of factors: shapes of the same size ([] is the empty grouping).
      fc
        .array(fc.integer({ min: 1, max: 3 }), { maxLength: 4 })
        .chain((factors) => fc.tuple(grouping(factors), grouping(factors)))
        .map(([from, to]) => ({ shapes: [from], params: { shape: to } })),
      [anywhere],
    ),
  },
  scatterAdd: {
    cases: casesOn(
      'scatterAdd',
      shape(1, 3).chain((s) =>
        rowIndices(s[0]!).map((indices) => ({
          shapes: [s, [indices.length, ...s.slice(1)]],
          params: { indices: Int32Array.from(indices) },
        })),
      ),
      [anywhere],
    ),
  },
  sigmoid: {
    cases: fc.oneof(unary('sigmoid', anywhere).cases, unary('sigmoid', sigmoidTails).cases),
    scalars: fc.tuple(fc.oneof(anywhere, sigmoidTails)).map((args) => ({ args })),
  },
  sign: { zeroDerivative: true, ...unary('sign', awayFromZero) },
  sin: unary('sin', anywhere),
  slice: {
    cases: casesOn(
      'slice',
      shape(1, 3).chain((s) =>
        fc
          .tuple(fc.integer({ min: 0, max: s[0]! }), fc.integer({ min: 0, max: s[0]! }))
          .map(([i, j]) => ({ shapes: [s], params: { start: Math.min(i, j), end: Math.max(i, j) } })),
      ),
      [anywhere],
    ),
  },
  sqrt: unary('sqrt', positive),
  square: unary('square', anywhere),
  sub: binary('sub', anywhere, anywhere),
  sum: {
    cases: casesOn(
      'sum',
      shape().chain((s) =>
        fc
          .option(fc.integer({ min: 0, max: Math.max(0, s.length - 1) }), { nil: null })
          .map((axis) => ({ shapes: [s], params: { axis: s.length === 0 ? null : axis } })),
      ),
      [anywhere],
    ),
  },
  take: {
    cases: casesOn(
      'take',
      shape(1, 3).chain((s) =>
        rowIndices(s[0]!).map((indices) => ({ shapes: [s], params: { indices: Int32Array.from(indices) } })),
      ),
      [anywhere],
    ),
  },
  tan: unary('tan', between(-1.2, 1.2)),
  tanh: unary('tanh', anywhere),
  transpose: {
    cases: casesOn(
      'transpose',
      shape(2, 2).map((s) => ({ shapes: [s] })),
      [anywhere],
    ),
  },
  where: {
    cases: casesOn(
      'where',
      broadcastLayout(3).map((l) => ({ ...l, active: [false, true, true] })),
      [fc.constantFrom(0, 1), anywhere],
    ),
  },
};

/** Consecutive runs of `factors` multiplied together: a shape of their product's size. */
function grouping(factors: readonly number[]): fc.Arbitrary<Shape> {
  return fc.array(fc.boolean(), { minLength: factors.length, maxLength: factors.length }).map((cuts) => {
    const s: number[] = [];
    factors.forEach((f, i) => {
      if (i === 0 || cuts[i]) s.push(f);
      else s[s.length - 1]! *= f;
    });
    return s;
  });
}

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

/** Runs of each property: enough to meet every shape layout several times, in well under a second. */
const RUNS = 60;
const SCALAR_RUNS = 200;

test('every primitive of the table has an input domain, and is filed under its own name', () => {
  for (const name of names) {
    expect(domains[name], `no input domain for primitive '${name}'`).toBeDefined();
    expect(primitives[name].name).toBe(name);
  }
  expect(Object.keys(domains).sort()).toEqual([...names].sort());
});

describe.each(names)('primitive %s', (name) => {
  const prim = primitives[name] as Primitive<PrimitiveName>;
  const domain = domains[name];
  /** The case as plain values: arguments, directions (null where inactive), cotangent and output. */
  const unpack = (c: Case) => {
    const args = c.args.map(plain);
    const active = c.active ?? args.map(() => true);
    const params = c.params as PrimitiveParams[PrimitiveName];
    const dirs = c.dirs.map((d, i) => (active[i] ? plain(d) : null));
    return { args, active, params, dirs, v: plain(c.v), out: prim.impl(args, params) };
  };
  const property = (check: (c: Case) => void) =>
    fc.assert(
      fc.property(domain.cases, (c) => {
        check(c);
      }),
      { numRuns: RUNS },
    );

  test('the shape rule gives the shape of the kernel’s output', () => {
    property((c) => {
      const { args, params, out } = unpack(c);
      expect(prim.shape(args.map(plainShape), params)).toEqual(plainShape(out));
    });
  });

  if (domain.zeroDerivative) {
    test('the derivative is zero: a null tangent, zero or null cotangents, a flat kernel', () => {
      property((c) => {
        const { args, active, params, dirs, v, out } = unpack(c);
        expect(prim.jvp(dirs, args, out, params)).toBeNull();
        prim.vjp(v, args, out, params, active).forEach((ct) => {
          if (ct !== null) expect(data(ct).every((e) => e === 0)).toBe(true);
        });
        if (!domain.notFlat) {
          expect(centralDifference(prim, args, dirs, params).every((d) => d === 0)).toBe(true);
        }
      });
    });
    return;
  }

  test('the JVP along all arguments, and along each alone, is the central difference of the kernel', () => {
    property((c) => {
      const { args, active, params, dirs, out } = unpack(c);
      const solo = active.flatMap((on, i) => (on ? [dirs.map((d, j) => (j === i ? d : null))] : []));
      for (const ds of [dirs, ...solo]) {
        const jvp = prim.jvp(ds, args, out, params);
        expect(shapeOfPlain(jvp)).toEqual(plainShape(out));
        expectClose(data(jvp), centralDifference(prim, args, ds, params), 1e-6);
      }
    });
  });

  test('the VJP is the transpose of the JVP: ⟨v, J·u⟩ = Σᵢ ⟨Jᵢᵀ·v, uᵢ⟩', () => {
    property((c) => {
      const { args, active, params, dirs, v, out } = unpack(c);
      const vjp = prim.vjp(v, args, out, params, active);
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
});

describe('the generated layouts', () => {
  test('include broadcasting of every kind: scalars, a bias across rows, [m, 1] with [1, n], rank 3', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(broadcastLayout(2), ({ shapes: [a, b] }) => {
        const kind = (s: Shape, o: Shape) =>
          s.length === 0 ? 'scalar' : s.length < o.length ? 'lower rank' : s.includes(1) ? 'ones' : 'full';
        seen.add(`${kind(a!, b!)} with ${kind(b!, a!)}`);
        if (a!.length === 3 || b!.length === 3) seen.add('rank 3');
      }),
      { numRuns: 500, seed: 1 },
    );
    for (const k of [
      'scalar with full',
      'full with scalar',
      'lower rank with full',
      'ones with ones',
      'rank 3',
    ])
      expect(seen).toContain(k);
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
  const elementwise = names.filter((n) => domains[n].scalars !== undefined);

  test('every elementwise primitive of one or two arguments has one, and no other primitive', () => {
    expect(names.filter((n) => primitives[n].scalar !== undefined).sort()).toEqual([...elementwise].sort());
    expect(elementwise).toHaveLength(45);
  });

  test.each(elementwise)(
    '%s: the output is the kernel’s; each partial is the JVP’s and the central difference',
    (name) => {
      const prim = primitives[name] as Primitive<PrimitiveName>;
      const domain = domains[name];
      const rule = prim.scalar!;
      expect(rule.constant).toBe(domain.zeroDerivative === true);
      fc.assert(
        fc.property(domain.scalars!, (c) => {
          const args = c.args;
          const active = c.active ?? args.map(() => true);
          const [a, b = 0] = args;
          const out = new Float64Array(3).fill(Number.NaN);
          rule.eval(a!, b, out);
          const y = out[0]!;
          expect(Object.is(y, prim.impl(args, none as never))).toBe(true);
          args.forEach((_, i) => {
            const unit = args.map((_, j) => (j === i ? 1 : null));
            const jvp = prim.jvp(unit, args, y, none as never);
            const byJvp = jvp === null ? 0 : data(jvp)[0]!;
            const d = out[1 + i]!;
            expect(Math.abs(d - byJvp)).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(byJvp)));
            if (active[i] && !domain.zeroDerivative) {
              expectClose(Float64Array.of(d), centralDifference(prim, args, unit, none as never), 1e-6);
            }
          });
        }),
        { numRuns: SCALAR_RUNS },
      );
    },
  );
});

/** Sizes stay small: every property run costs microseconds. */
test('no generated case is larger than 64 elements', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...names).chain((n) => domains[n].cases),
      (c) => {
        for (const a of c.args) expect(size(a.shape)).toBeLessThanOrEqual(64);
      },
    ),
    { numRuns: 200 },
  );
});

describe('classification: what each primitive states about itself holds', () => {
  test.each(names)('%s', (name) => {
    const prim = primitives[name] as Primitive<PrimitiveName>;
    const c = prim.classification;
    const domain = domains[name];
    expect(c.zeroDerivative).toBe(domain.zeroDerivative === true);
    expect(c.elementwise).toBe(prim.scalar !== undefined || name === 'where');
    fc.assert(
      fc.property(domain.cases, (k) => {
        const args = k.args.map(plain);
        const params = k.params as PrimitiveParams[PrimitiveName];
        const out = prim.impl(args, params);
        args.forEach((_a, i) => {
          if (k.active !== undefined && !k.active[i]) return;
          const dep = c.args[Math.min(i, c.args.length - 1)];
          const dir = plain(k.dirs[i]!);
          const ts = args.map((_, j) => (j === i ? dir : null));
          const t = prim.jvp(ts, args, out, params);
          if (dep === 'none') {
            if (t !== null) expect(data(t).every((e) => e === 0)).toBe(true);
          } else if (dep === 'linear') {
            // Linear in argument i: the JVP along it does not depend on where argument i is
            // (moved here along the cotangent's stand-in, another direction of its shape).
            const moved = args.map((b, j) => (j === i ? along(b, plain(k.dirs[i]!), 0.5) : b));
            const t2 = prim.jvp(ts, moved, prim.impl(moved, params), params);
            expectClose(data(t2), data(t), 1e-12);
          }
        });
      }),
      { numRuns: RUNS },
    );
  });
});
