/**
 * The sparsity facts of every primitive, stated once. Elementwise primitives are classified
 * (is each first derivative zero everywhere? is the op linear in each argument, so that its
 * second derivatives vanish?) and their rules follow from the classification; structural
 * primitives (moves, sums, products) state which input elements each output element reads.
 * A primitive missing here is refused at detection, and a test names every one.
 */
import type { Shape } from '@diffint/core';
import type { PrimitiveName, PrimitiveParams } from '@diffint/core/engine';
import {
  type Operand,
  type RuleContext,
  type Sets,
  broadcastMap,
  gAt,
  gather,
  hAt,
  hUnion,
  sizeOfShape,
} from './operand.js';
import {
  type IndexSet,
  type PairSet,
  crossPairs,
  emptyPairs,
  emptySet,
  selfPairs,
  union,
  unionMany,
  unionManyPairs,
  unionPairs,
} from './sets.js';

/** f(x) elementwise: `d1` — f′ is not identically zero; `d2` — f″ is not identically zero. */
export interface UnaryClass {
  readonly kind: 'unary';
  readonly d1: boolean;
  readonly d2: boolean;
}

/** f(a, b) elementwise: which first and second partial derivatives are not identically zero. */
export interface BinaryClass {
  readonly kind: 'binary';
  readonly da: boolean;
  readonly db: boolean;
  readonly daa: boolean;
  readonly dbb: boolean;
  readonly dab: boolean;
}

/** A structural primitive: computes the output's sets from the arguments' sets. */
export interface StructuralRule<N extends PrimitiveName> {
  readonly kind: 'structural';
  /** The output's index sets from the arguments'. */
  apply(args: readonly Operand[], params: PrimitiveParams[N], out: Shape, ctx: RuleContext): Sets;
}

/** What the table states for a primitive: a classification (elementwise) or a structural rule. */
export type SparsityRule<N extends PrimitiveName = PrimitiveName> =
  | UnaryClass
  | BinaryClass
  | StructuralRule<N>;

const unary = (d1: boolean, d2: boolean): UnaryClass => ({ kind: 'unary', d1, d2 });
/** Nonlinear with non-vanishing first and second derivatives. */
const smooth = unary(true, true);
/** Piecewise linear: a first derivative, no second. */
const piecewiseLinear = unary(true, false);
const constantUnary = unary(false, false);

type Partials = Partial<Omit<BinaryClass, 'kind'>>;
const binary = (p: Partials): BinaryClass => ({
  kind: 'binary',
  da: p.da ?? false,
  db: p.db ?? false,
  daa: p.daa ?? false,
  dbb: p.dbb ?? false,
  dab: p.dab ?? false,
});
const linearBinary = binary({ da: true, db: true });
const comparison = binary({});

function structural<N extends PrimitiveName>(apply: StructuralRule<N>['apply']): StructuralRule<N> {
  return { kind: 'structural', apply };
}

/** Each output element reads the argument elements of `map` (one per output element). */
const moved = <N extends PrimitiveName>(
  map: (arg: Shape, params: PrimitiveParams[N], out: Shape) => Int32Array | null,
) => structural<N>(([a], params, out, ctx) => gather(a!, map(a!.shape, params, out), sizeOfShape(out), ctx));

/**
 * A custom call (`customRule`, `differentiateWith`) seen as a black box: every output element
 * depends on every element of its primals, nonlinearly (every pair interacts). The detection
 * trace first traces through f where f is portable math, which gives the exact pattern; this is
 * what is left for a black box.
 */
const customCallSets = structural<'customCall'>((args, { active }, out, ctx) => {
  const primals = args.slice(0, active);
  const all = unionMany(primals.map((a) => unionMany(a.g ?? [])));
  const size = sizeOfShape(out);
  const g = new Array<IndexSet>(size).fill(all);
  if (!ctx.second) return { g, h: null };
  const pairs = unionPairs(
    unionManyPairs(primals.map((a) => unionManyPairs(a.h ?? []))),
    selfPairs(all, ctx.n),
  );
  return { g, h: new Array<PairSet>(size).fill(pairs) };
});

/** The sparsity rule of each primitive, by name (a missing one is refused at detection). */
export const sparsityRules: { readonly [N in PrimitiveName]?: SparsityRule<N> } = {
  abs: piecewiseLinear,
  cos: smooth,
  exp: smooth,
  log: smooth,
  neg: unary(true, false),
  sigmoid: smooth,
  sign: constantUnary,
  sin: smooth,
  sqrt: smooth,
  square: smooth,
  tan: smooth,
  tanh: smooth,
  atan: smooth,
  asin: smooth,
  acos: smooth,
  sinh: smooth,
  cosh: smooth,
  asinh: smooth,
  acosh: smooth,
  atanh: smooth,
  log1p: smooth,
  expm1: smooth,
  log2: smooth,
  log10: smooth,
  erf: smooth,
  softplus: smooth,
  floor: constantUnary,
  ceil: constantUnary,
  round: constantUnary,
  trunc: constantUnary,
  stopGradient: constantUnary,

  add: linearBinary,
  sub: linearBinary,
  mul: binary({ da: true, db: true, dab: true }),
  mulNoNan: binary({ da: true, db: true, dab: true }),
  div: binary({ da: true, db: true, dab: true, dbb: true }),
  pow: binary({ da: true, db: true, daa: true, dbb: true, dab: true }),
  maximum: linearBinary,
  minimum: linearBinary,
  greater: comparison,
  greaterEqual: comparison,
  less: comparison,
  lessEqual: comparison,
  equal: comparison,
  atan2: binary({ da: true, db: true, daa: true, dbb: true, dab: true }),

  where: structural(([, a, b], _p, out, ctx) => {
    // Global: either branch may be selected at some x, so both count; the condition has no derivative.
    const size = sizeOfShape(out);
    const ma = broadcastMap(a!.shape, out);
    const mb = broadcastMap(b!.shape, out);
    const g = new Array<IndexSet>(size);
    const h = ctx.second ? new Array<PairSet>(size) : null;
    for (let k = 0; k < size; k++) {
      const ia = ma === null ? k : ma[k]!;
      const ib = mb === null ? k : mb[k]!;
      g[k] = union(gAt(a!, ia), gAt(b!, ib));
      if (h !== null) h[k] = unionPairs(hAt(a!, ia), hAt(b!, ib));
    }
    return { g, h };
  }),

  reshape: moved(() => null),
  broadcastTo: moved((arg, _p, out) => broadcastMap(arg, out)),
  transpose: moved((arg) => {
    const [rows, cols] = [arg[0]!, arg[1]!];
    const map = new Int32Array(rows * cols);
    for (let i = 0; i < cols; i++) for (let j = 0; j < rows; j++) map[i * rows + j] = j * cols + i;
    return map;
  }),
  slice: moved<'slice'>((arg, { start, end }) => {
    const row = sizeOfShape(arg.slice(1));
    const map = new Int32Array((end - start) * row);
    for (let k = 0; k < map.length; k++) map[k] = start * row + k;
    return map;
  }),
  pad: moved<'pad'>((arg, { before, after }) => {
    const row = sizeOfShape(arg.slice(1));
    const inner = arg[0]! * row;
    const map = new Int32Array((before + after) * row + inner).fill(-1);
    for (let k = 0; k < inner; k++) map[before * row + k] = k;
    return map;
  }),
  take: moved<'take'>((arg, { indices }) => {
    const row = sizeOfShape(arg.slice(1));
    const map = new Int32Array(indices.length * row);
    for (let k = 0; k < indices.length; k++)
      for (let j = 0; j < row; j++) map[k * row + j] = indices[k]! * row + j;
    return map;
  }),
  scatterAdd: structural<'scatterAdd'>(([target, updates], { indices }, out, ctx) => {
    // Linear: each output element is its target element plus the update rows sent to its row.
    const row = sizeOfShape(out.slice(1));
    const g = gather(target!, null, sizeOfShape(out), ctx);
    for (let k = 0; k < indices.length; k++) {
      for (let j = 0; j < row; j++) {
        const to = indices[k]! * row + j;
        g.g[to] = union(g.g[to]!, gAt(updates!, k * row + j));
        if (g.h !== null) g.h[to] = unionPairs(g.h[to]!, hAt(updates!, k * row + j));
      }
    }
    return g;
  }),
  customCall: customCallSets,
  concat: structural((parts, _p, out, ctx) => {
    const g: IndexSet[] = [];
    const h: PairSet[] | null = ctx.second ? [] : null;
    for (const p of parts) {
      const s = gather(p, null, sizeOfShape(p.shape), ctx);
      for (const x of s.g) g.push(x);
      if (h !== null) for (const x of s.h!) h.push(x);
    }
    if (g.length !== sizeOfShape(out)) throw new Error('concat: sizes do not add up');
    return { g, h };
  }),
  sum: structural<'sum'>(([a], { axis }, out, ctx) => reduce(a!, alongAxis(a!.shape, axis, out), ctx)),
  // Piecewise linear in each element: the sets of a sum (no second derivative of its own).
  max: structural<'max'>(([a], { axis }, out, ctx) => reduce(a!, alongAxis(a!.shape, axis, out), ctx)),
  cumsum: structural<'cumsum'>(([a], { axis }, _out, ctx) => reduce(a!, runningGroups(a!.shape, axis), ctx)),
  matmul: structural(([a, b], _p, out, ctx) => matmulSets(a!, b!, out, ctx)),
  matmulNoNan: structural(([a, b], _p, out, ctx) => matmulSets(a!, b!, out, ctx)),
};

/** The groups of elements a reduction over `axis` (or over everything) sums, one per output element. */
function alongAxis(shape: Shape, axis: number | null, out: Shape): Int32Array[] {
  const size = sizeOfShape(shape);
  if (axis === null) return [Int32Array.from({ length: size }, (_, k) => k)];
  const outer = sizeOfShape(shape.slice(0, axis));
  const len = shape[axis]!;
  const inner = sizeOfShape(shape.slice(axis + 1));
  const groups: Int32Array[] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const grp = new Int32Array(len);
      for (let l = 0; l < len; l++) grp[l] = (o * len + l) * inner + i;
      groups.push(grp);
    }
  }
  if (groups.length !== sizeOfShape(out)) throw new Error('reduction: sizes do not add up');
  return groups;
}

/** The groups of a running sum along `axis`: element k of the axis reads elements 0 … k. */
function runningGroups(shape: Shape, axis: number): Int32Array[] {
  const outer = sizeOfShape(shape.slice(0, axis));
  const len = shape[axis]!;
  const inner = sizeOfShape(shape.slice(axis + 1));
  const groups = new Array<Int32Array>(sizeOfShape(shape));
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < len; k++) {
      for (let i = 0; i < inner; i++) {
        const grp = new Int32Array(k + 1);
        for (let l = 0; l <= k; l++) grp[l] = (o * len + l) * inner + i;
        groups[(o * len + k) * inner + i] = grp;
      }
    }
  }
  return groups;
}

/** Each output element is a sum (linear) of the argument elements of one group. */
function reduce(a: Operand, groups: readonly Int32Array[], ctx: RuleContext): Sets {
  const g = groups.map((grp) => (a.g === null ? emptySet : unionMany(Array.from(grp, (k) => a.g![k]!))));
  const h = ctx.second
    ? groups.map((grp) => (a.h === null ? emptyPairs : unionManyPairs(Array.from(grp, (k) => a.h![k]!))))
    : null;
  return { g, h };
}

/**
 * out[i, j] = Σₗ a[i, l] b[l, j]: linear in each argument, bilinear across them. A constant
 * factor counts as dense — the pattern holds whatever values the constant takes later.
 */
function matmulSets(a: Operand, b: Operand, out: Shape, ctx: RuleContext): Sets {
  const [rows, cols] = [out[0]!, out[1]!];
  const inner = a.shape[1]!;
  const g = new Array<IndexSet>(rows * cols);
  const h = ctx.second ? new Array<PairSet>(rows * cols) : null;
  // Unions shared by every output element of a row (of a) or a column (of b).
  const rowG = (i: number) => unionMany(Array.from({ length: inner }, (_, l) => gAt(a, i * inner + l)));
  const colG = (j: number) => unionMany(Array.from({ length: inner }, (_, l) => gAt(b, l * cols + j)));
  const rowH = (i: number) => unionManyPairs(Array.from({ length: inner }, (_, l) => hAt(a, i * inner + l)));
  const colH = (j: number) => unionManyPairs(Array.from({ length: inner }, (_, l) => hAt(b, l * cols + j)));
  const rg = Array.from({ length: rows }, (_, i) => rowG(i));
  const cg = Array.from({ length: cols }, (_, j) => colG(j));
  const rh = h === null ? [] : Array.from({ length: rows }, (_, i) => rowH(i));
  const ch = h === null ? [] : Array.from({ length: cols }, (_, j) => colH(j));
  const bothTraced = a.g !== null && b.g !== null;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const k = i * cols + j;
      g[k] = union(rg[i]!, cg[j]!);
      if (h === null) continue;
      let cross: PairSet = emptyPairs;
      if (bothTraced) {
        const parts: PairSet[] = [];
        for (let l = 0; l < inner; l++)
          parts.push(crossPairs(gAt(a, i * inner + l), gAt(b, l * cols + j), ctx.n));
        cross = unionManyPairs(parts);
      }
      h[k] = hUnion([rh[i]!, ch[j]!], cross);
    }
  }
  return { g, h };
}

/** The output sets of an elementwise unary primitive of class `c`. */
export function applyUnary(c: UnaryClass, a: Operand, ctx: RuleContext): Sets {
  const size = sizeOfShape(a.shape);
  if (!c.d1)
    return {
      g: new Array<IndexSet>(size).fill(emptySet),
      h: ctx.second ? new Array<PairSet>(size).fill(emptyPairs) : null,
    };
  const g = a.g === null ? new Array<IndexSet>(size).fill(emptySet) : (a.g as IndexSet[]);
  if (!ctx.second) return { g, h: null };
  if (!c.d2) return { g, h: a.h === null ? new Array<PairSet>(size).fill(emptyPairs) : (a.h as PairSet[]) };
  const h = new Array<PairSet>(size);
  for (let k = 0; k < size; k++) h[k] = c.d2 ? unionPairs(hAt(a, k), selfPairs(g[k]!, ctx.n)) : hAt(a, k);
  return { g, h };
}

/** The output sets of an elementwise binary primitive of class `c`, with broadcasting. */
export function applyBinary(c: BinaryClass, a: Operand, b: Operand, out: Shape, ctx: RuleContext): Sets {
  const size = sizeOfShape(out);
  const ma = broadcastMap(a.shape, out);
  const mb = broadcastMap(b.shape, out);
  // A traced operand of the output's shape combined with a constant: its sets pass unchanged
  // (no second derivative involves the constant alone, and the traced one's is linear here).
  const linearIn = (p: Operand, d: boolean, dd: boolean, map: Int32Array | null) =>
    map === null && p.g !== null && d && !dd;
  if (b.g === null && linearIn(a, c.da, c.daa, ma)) return gather(a, null, size, ctx);
  if (a.g === null && linearIn(b, c.db, c.dbb, mb)) return gather(b, null, size, ctx);
  const g = new Array<IndexSet>(size);
  const h = ctx.second ? new Array<PairSet>(size) : null;
  for (let k = 0; k < size; k++) {
    const ia = ma === null ? k : ma[k]!;
    const ib = mb === null ? k : mb[k]!;
    const ga = gAt(a, ia);
    const gb = gAt(b, ib);
    g[k] = union(c.da ? ga : emptySet, c.db ? gb : emptySet);
    if (h === null) continue;
    let hk = unionPairs(c.da ? hAt(a, ia) : emptyPairs, c.db ? hAt(b, ib) : emptyPairs);
    if (c.daa) hk = unionPairs(hk, selfPairs(ga, ctx.n));
    if (c.dbb) hk = unionPairs(hk, selfPairs(gb, ctx.n));
    if (c.dab) hk = unionPairs(hk, crossPairs(ga, gb, ctx.n));
    h[k] = hk;
  }
  return { g, h };
}
