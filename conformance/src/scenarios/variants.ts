/**
 * Variants derived from base scenarios, never copied (as DifferentiationInterfaceTest's
 * `closurify`, `constantify`, `cachify`): each takes a scenario and returns the same function in
 * another form, with the reference that follows from the base's. A family states its base
 * scenarios once and lists the forms it also wants.
 */
import {
  type AnyBackend,
  type Buffer,
  type Context,
  NDArray,
  SparseMatrix,
  buffer,
  cache,
  constant,
} from '@diffint/core';
import * as core from '@diffint/core';
import { isTracer } from '@diffint/core/engine';
import * as m from '@diffint/core/math';
import { drivers } from '../operators.js';
import { Unspecified, flatData, isPlainObject, leaves, likeTree, unspecified } from '../tree.js';
import {
  type Expectation,
  type Nested,
  type Operator,
  type Outcome,
  type Reference,
  type Scenario,
  type ScenarioFn,
  type StateCheck,
  nested,
} from '../types.js';

type Fn = (...args: any[]) => any;

/** The forms `withVariants` can derive. */
export type VariantKind = 'through-buffer' | 'through-cache' | 'with-constant' | 'in-place' | 'nested';
/** Every derived form, in the order `withVariants` adds them (its default). */
export const variantKinds: readonly VariantKind[] = [
  'through-buffer',
  'through-cache',
  'with-constant',
  'in-place',
  'nested',
];

/** The operators that accept a function writing its output in place (`inPlace(f, template)`). */
const inPlaceOperators: readonly Operator[] = ['derivative', 'jacobian', 'pushforward', 'pullback'];

/** The scale the `with-constant` form multiplies f by, and the outer parameter of the nested form. */
const scale = 1.5;
const p0 = 1.5;

/** f rewritten, keeping it built from the backend under test where the base's is. */
function mapF(
  f: ScenarioFn | Nested,
  wrap: (g: Fn, backend?: AnyBackend) => ScenarioFn,
): ScenarioFn | Nested {
  if (typeof f === 'function') return wrap(f);
  return nested((b) => wrap(f.build(b), b));
}

/** Applies `op` to every leaf of an output tree (plain objects and arrays of values). */
function mapOutput(y: unknown, op: (v: m.Value) => m.Value): unknown {
  if (Array.isArray(y)) return y.map((v) => mapOutput(v, op));
  if (isPlainObject(y)) return Object.fromEntries(Object.entries(y).map(([k, v]) => [k, mapOutput(v, op)]));
  return op(y as m.Value);
}

/** The leaves of a tree of values (plain or traced) as one vector, in the order of `leaves`. */
function flattenValues(tree: unknown): m.Value {
  const parts: m.Value[] = [];
  const walk = (t: unknown): void => {
    if (typeof t === 'number' || t instanceof Float64Array || t instanceof NDArray || isTracer(t)) {
      if (m.size(t) > 0) parts.push(m.reshape(t, [m.size(t)]));
    } else if (t instanceof SparseMatrix) {
      // A sparse result (of a `sparse(…)` backend) stands for its dense matrix.
      walk(t.toDense());
    } else if (Array.isArray(t)) t.forEach(walk);
    else if (isPlainObject(t)) Object.keys(t).forEach((k) => walk(t[k]));
    else throw new Error(`flattenValues: ${String(t)} is not a value`);
  };
  walk(tree);
  return parts.length === 0 ? new Float64Array(0) : m.concat(parts);
}

/** The shape of a single-leaf output, or null for a tree. */
function outputShape(value: unknown): number[] | null {
  if (typeof value === 'number') return [];
  if (value instanceof Float64Array) return [value.length];
  if (value instanceof NDArray) return [...value.shape];
  return null;
}

function scaleTree(t: unknown, c: number): unknown {
  if (t === undefined || t instanceof Unspecified) return t;
  return likeTree(
    t,
    flatData(t).map((v) => v * c),
  );
}

/** The expectation with every alternative reference transformed like the scenario's own. */
function mapExpect(e: Expectation | undefined, ref: (r: Reference) => Reference): Expectation | undefined {
  if (e === undefined) return undefined;
  const out: Record<string, Outcome> = {};
  for (const [k, o] of Object.entries(e) as [string, Outcome][]) {
    out[k] = typeof o === 'object' && 'reference' in o ? { reference: ref(o.reference) } : o;
  }
  return out as Expectation;
}

/** `s` changed into its `kind` form, named `<base name>-<suffix>` (the suffix defaults to the kind). */
function derived(s: Scenario, kind: VariantKind, change: Partial<Scenario>, suffix: string = kind): Scenario {
  const name = `${s.name}-${suffix}`;
  const operator = change.operator ?? s.operator;
  const { after: _after, ...rest } = s;
  return {
    ...rest,
    ...change,
    name,
    operator,
    id: `${s.family}/${name}/${operator}`,
    tags: [...s.tags, 'derived', kind],
  };
}

const hasUnspecified = (r: Reference) =>
  [r.result, r.value, r.gradient].some((t) => t !== undefined && leaves(t).some((l) => l.unspecified));

/** f's output written into an enclosed buffer and read back; afterwards the buffer holds f(x). */
export function throughBuffer(s: Scenario): Scenario | null {
  const shape = outputShape(s.reference.value);
  if (shape === null || s.inPlace !== undefined || s.after !== undefined) return null;
  const buf = buffer(shape);
  const after: StateCheck = {
    what: 'the enclosed buffer holds f(x)',
    read: () => buf.read(),
    expected: s.reference.value,
  };
  return derived(s, 'through-buffer', {
    f: mapF(s.f, (g) => (...args: unknown[]) => {
      buf.assign(g(...args));
      return buf.read();
    }),
    after,
  });
}

/** f's output written into a `cache()` context and read back. */
export function throughCache(s: Scenario): Scenario | null {
  const shape = outputShape(s.reference.value);
  if (shape === null || s.inPlace !== undefined) return null;
  const n = s.contexts?.length ?? 0;
  return derived(s, 'through-cache', {
    contexts: [...(s.contexts ?? []), cache(shape)],
    f: mapF(s.f, (g) => (...args: unknown[]) => {
      const c = args[n + 1] as Buffer;
      c.assign(g(...args.slice(0, n + 1)));
      return c.read();
    }),
  });
}

/** f multiplied by a `constant()` context: every part of the reference scales with it. */
export function withConstant(s: Scenario): Scenario | null {
  if (s.inPlace !== undefined) return null;
  const n = s.contexts?.length ?? 0;
  const ref = (r: Reference): Reference => ({
    result: scaleTree(r.result, scale),
    ...(r.value === undefined ? {} : { value: scaleTree(r.value, scale) }),
    ...(r.gradient === undefined ? {} : { gradient: scaleTree(r.gradient, scale) }),
  });
  const expect = mapExpect(s.expect, ref);
  return derived(s, 'with-constant', {
    contexts: [...(s.contexts ?? []), constant({ scale })],
    f: mapF(s.f, (g) => (...args: unknown[]) => {
      const c = args[n + 1] as { scale: number };
      return mapOutput(g(...args.slice(0, n + 1)), (v) => m.mul(v, c.scale));
    }),
    reference: ref(s.reference),
    ...(expect === undefined ? {} : { expect }),
  });
}

/** f writing its output in place, `f(y, x, ...contexts)`, for the operators that take one. */
export function inPlaceForm(s: Scenario): Scenario | null {
  const shape = outputShape(s.reference.value);
  if (shape === null || shape.length === 0 || s.inPlace !== undefined) return null;
  if (!inPlaceOperators.includes(s.operator)) return null;
  return derived(s, 'in-place', {
    inPlace: shape,
    f: mapF(
      s.f,
      (g) =>
        (y: Buffer, ...args: unknown[]) =>
          y.assign(g(...args)),
    ),
  });
}

/** The parts a value-and operator returns, in order, by the names of `Reference`. */
const returned: { readonly [O in Operator]: readonly (keyof Reference)[] } = {
  derivative: ['value', 'result'],
  gradient: ['value', 'result'],
  jacobian: ['value', 'result'],
  pushforward: ['value', 'result'],
  pullback: ['value', 'result'],
  hessian: ['value', 'gradient', 'result'],
  hvp: ['gradient', 'result'],
  secondDerivative: ['value', 'gradient', 'result'],
};

/** The value-and form of an operator, called inside f with the backend under test. */
function valueAnd(op: Operator, f: Fn, b: AnyBackend, x: any, seeds: readonly any[], cs: readonly Context[]) {
  switch (op) {
    case 'derivative':
      return core.valueAndDerivative(f, b, x, ...cs);
    case 'gradient':
      return core.valueAndGradient(f, b, x, ...cs);
    case 'jacobian':
      return core.valueAndJacobian(f, b, x, ...cs);
    case 'pushforward':
      return core.valueAndPushforward(f, b, x, seeds, ...cs);
    case 'pullback':
      return core.valueAndPullback(f, b, x, seeds, ...cs);
    case 'hessian':
      return core.valueGradientAndHessian(f, b, x, ...cs);
    case 'hvp':
      return core.gradientAndHvp(f, b, x, seeds, ...cs);
    case 'secondDerivative':
      return core.valueDerivativeAndSecondDerivative(f, b, x, ...cs);
  }
}

/**
 * The value-and form of the operator inside an outer `derivative` with respect to p, which
 * scales f: everything the inner operator returns is p times the base's, so its derivative with
 * respect to p is the base's reference. An inner operator whose results lost the outer
 * differentiation (returned as constants) gives 0 there.
 */
export function nestedForm(s: Scenario): Scenario | null {
  if (s.inPlace !== undefined || typeof s.f !== 'function') return null;
  if (hasUnspecified(s.reference)) return null;
  const base = s.f as Fn;
  const { operator, x, seeds = [], contexts = [] } = s;
  // An unspecified part (a difference across a jump) leaves the whole flattened vector unspecified.
  const ref = (r: Reference): Reference => {
    const parts = flatData(returned[operator].map((k) => r[k]));
    const value = parts.map((v) => v * p0);
    return hasUnspecified(r)
      ? { value: unspecified(value), result: unspecified(parts) }
      : { value, result: parts };
  };
  const order = drivers[operator].order;
  const expect: Expectation | undefined =
    order === 2
      ? {
          ...mapExpect(s.expect, ref),
          // Differences of differences of differences keep about four digits: with f on plain
          // values there is no trace to lose, so only f(p) (the inner results) is checked.
          runsOnPlainValues: thirdDifferences(
            ref(
              s.expect?.runsOnPlainValues === undefined
                ? s.reference
                : alt(s.expect.runsOnPlainValues, s.reference),
            ),
          ),
        }
      : mapExpect(s.expect, ref);
  // The inner operator gets the base's seeds and contexts; the outer derivative has neither.
  const {
    seeds: _seeds,
    contexts: _contexts,
    ...d
  } = derived(
    s,
    'nested',
    {
      operator: 'derivative',
      x: p0,
      f: nested((b) => (p: m.Value) => {
        const scaled = (...args: unknown[]) => mapOutput(base(...args), (v) => m.mul(v, p));
        return flattenValues(valueAnd(operator, scaled, b, x, seeds, contexts));
      }),
      reference: ref(s.reference),
      order,
      ...(expect === undefined ? {} : { expect }),
    },
    `nested-${operator}`,
  );
  return d;
}

/** The reference an outcome checks against, `base` where it is the scenario's own. */
function alt(o: Outcome, base: Reference): Reference {
  return typeof o === 'object' && 'reference' in o ? o.reference : base;
}

function thirdDifferences(r: Reference): Outcome {
  return { reference: { ...r, result: unspecified(r.result) } };
}

const derivations: { readonly [K in VariantKind]: (s: Scenario) => Scenario | null } = {
  'through-buffer': throughBuffer,
  'through-cache': throughCache,
  'with-constant': withConstant,
  'in-place': inPlaceForm,
  nested: nestedForm,
};

/** The base scenarios followed by the forms of each that apply to it. */
export function withVariants(
  bases: readonly Scenario[],
  kinds: readonly VariantKind[] = variantKinds,
): Scenario[] {
  const out = [...bases];
  for (const kind of kinds) {
    for (const s of bases) {
      const d = derivations[kind](s);
      if (d !== null) out.push(d);
    }
  }
  return out;
}

/**
 * The same scenario with its contexts enclosed in f instead of passed: a constant's value is
 * captured, a cache becomes an enclosed `buffer` (`caches: 'only'` encloses the caches and keeps
 * passing the constants). `after` may check what the enclosed buffers hold afterwards.
 */
export function enclosed(
  s: Scenario,
  name: string,
  options: {
    readonly only?: 'caches';
    readonly after?: (buffers: readonly Buffer[]) => StateCheck;
    readonly tags?: readonly string[];
  } = {},
): Scenario {
  const contexts = s.contexts ?? [];
  const keep = contexts.map((c) => options.only === 'caches' && c.kind === 'constant');
  const buffers: Buffer[] = [];
  const values = contexts.map((c) => {
    if (c.kind === 'constant') return c.value;
    const b = buffer(c.template);
    buffers.push(b);
    return b;
  });
  const lead = s.inPlace === undefined ? 1 : 2;
  const f = mapF(s.f, (g) => (...args: unknown[]) => {
    let next = lead;
    const all = contexts.map((_, i) => (keep[i] ? args[next++] : values[i]));
    return g(...args.slice(0, lead), ...all);
  });
  const { after: _after, ...rest } = s;
  const after = options.after?.(buffers);
  return {
    ...rest,
    name,
    id: `${s.family}/${name}/${s.operator}`,
    tags: options.tags ?? s.tags,
    f,
    contexts: contexts.filter((_, i) => keep[i]),
    ...(after === undefined ? {} : { after }),
  };
}
