/**
 * Adjoint accumulation for reverse mode. A contribution to a few elements of a variable (the
 * cotangent of a `slice` or `take` that reads them, see `PrimitiveDef.elements`) is kept as
 * those elements, passed on unchanged through equations that only select or reshape elements,
 * and added to the variable's adjoint with the others at once, by one `scatterAdd`, when the
 * adjoint is needed whole. An element loop `get(x, i)` (or `get(M, i, j)`) over n elements then
 * costs O(n) in the backward pass, not n zero-filled arrays of n elements added one by one.
 */
import * as m from '../math/ops.js';
import type { Primitive, PrimitiveName } from '../primitive.js';
import { type Value, shapeOf } from '../trace.js';
import { type Shape, sizeOf } from '../values.js';

/** Elements added to one variable's adjoint: their flat indices, and the values, in parts. */
interface Elements {
  indices: number[];
  parts: Value[];
}

/** Parts concatenated per `concat`, so no call has more arguments than a JS engine allows. */
const concatWidth = 1024;

function concatAll(parts: readonly Value[]): Value {
  if (parts.length <= concatWidth) return m.concat(parts);
  const groups: Value[] = [];
  for (let k = 0; k < parts.length; k += concatWidth) groups.push(m.concat(parts.slice(k, k + concatWidth)));
  return concatAll(groups);
}

function flat(v: Value): Value {
  const s = shapeOf(v);
  return s.length === 1 ? v : m.reshape(v, [sizeOf(s)]);
}

/** The adjoints of a program's variables, by variable index: a whole part and an elements part. */
export class Adjoints {
  private readonly whole: (Value | undefined)[];
  private readonly sparse: (Elements | undefined)[];

  /** `count`: the number of variables (the arrays are allocated whole, never grown with holes). */
  constructor(count: number) {
    this.whole = new Array<Value | undefined>(count).fill(undefined);
    this.sparse = new Array<Elements | undefined>(count).fill(undefined);
  }

  /** Adds a contribution (of the variable's shape) to the adjoint of `v`. */
  add(v: number, g: Value): void {
    const prev = this.whole[v];
    this.whole[v] = prev === undefined ? g : m.add(prev, g);
  }

  /** Adds the elements of `g` to the elements `indices` (flat, row-major) of the adjoint of `v`. */
  addElements(v: number, indices: ArrayLike<number>, g: Value): void {
    let r = this.sparse[v];
    if (r === undefined) {
      r = { indices: [], parts: [] };
      this.sparse[v] = r;
    }
    for (let k = 0; k < indices.length; k++) r.indices.push(indices[k]!);
    r.parts.push(g);
  }

  /** True when some contribution reached the adjoint of `v`. */
  has(v: number): boolean {
    return this.whole[v] !== undefined || this.sparse[v] !== undefined;
  }

  /**
   * Passes the adjoint of `out` to the arguments of an equation `prim(args) → out` that `needs`
   * marks: by its VJP rule, or, for a primitive that selects elements of its one argument, as
   * elements (with no array of the argument's size). `primals` are the arguments' values and
   * `y` the output's, as the VJP rule takes them; `shapes` the variables' shapes.
   */
  pass(
    prim: Primitive<PrimitiveName>,
    out: number,
    args: readonly number[],
    shapes: readonly Shape[],
    params: unknown,
    needs: readonly boolean[],
    primals: () => readonly Value[],
    y: () => Value,
  ): void {
    const sel = args.length === 1 ? prim.elements?.(params as never, shapes[args[0]!]!) : undefined;
    if (sel != null && needs[0]) {
      const a = args[0]!;
      const r = this.sparse[out];
      const w = this.whole[out];
      this.sparse[out] = undefined;
      this.whole[out] = undefined;
      if (r !== undefined) {
        const at = sel === 'all' ? r.indices : r.indices.map((i) => sel[i]!);
        const mine = this.sparse[a];
        if (mine === undefined) this.sparse[a] = { indices: at, parts: r.parts };
        else {
          for (const i of at) mine.indices.push(i);
          for (const p of r.parts) mine.parts.push(p);
        }
      }
      if (w !== undefined) {
        if (sel === 'all') this.add(a, m.reshape(w, shapes[a]!));
        else this.addElements(a, sel, w);
      }
      return;
    }
    const g = this.get(out, shapes[out]!)!;
    const gs = prim.vjp(g, primals(), y(), params as never, needs);
    for (let i = 0; i < args.length; i++) {
      const gi = gs[i];
      if (gi != null && needs[i]) this.add(args[i]!, gi);
    }
  }

  /** The adjoint of `v` (of shape `shape`), its elements added in; undefined when none reached it. */
  get(v: number, shape: Shape): Value | undefined {
    const r = this.sparse[v];
    const w = this.whole[v];
    if (r === undefined) return w;
    this.sparse[v] = undefined;
    const updates = concatAll(r.parts.map(flat));
    const target = flat(w ?? m.zeros(shape));
    const sum = m.scatterAdd(target, r.indices, updates);
    const g = shape.length === 1 ? sum : m.reshape(sum, shape);
    this.whole[v] = g;
    return g;
  }
}
