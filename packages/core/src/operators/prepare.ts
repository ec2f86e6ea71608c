/**
 * Preparation: an operator checks its arguments once, allocates what it needs (cache buffers,
 * the output buffer of an in-place function) and is then called many times. Every call checks
 * that its arguments match and otherwise throws `PreparationMismatchError`.
 */
import { Buffer, type Journal, openJournal } from '../buffer.js';
import { unsupported } from './derived.js';
import {
  type CacheTemplate,
  type Context,
  allocateCaches,
  checkContexts,
  checkTemplate,
  contextValues,
  isContext,
  templateShape,
} from '../context.js';
import type { AnyBackend, Engine, LeafFn } from '../engine.js';
import {
  type ArgumentCheck,
  InvalidInputError,
  PreparationMismatchError,
  ShapeMismatchError,
  StructureMismatchError,
  TracedValueError,
} from '../errors.js';
import {
  type TreeDef,
  asKind,
  describeStructure,
  flatten,
  flattenLike,
  leafDefs,
  matchLeaves,
  sameStructure,
  unflatten,
} from '../pytree.js';
import { recycle, releaseHandedOver, takeOver } from '../ownership.js';
import { pooledCopy } from '../pool.js';
import { type ReplayMode, Replayer, replayOptionsOf } from '../replay/index.js';
import { firstOrder } from './types.js';
import { Tracer, type Value } from '../trace.js';
import { NDArray, type Plain, type Shape, formatShape, plainData, plainShape, sameShape } from '../values.js';

/**
 * A function that writes its output into `y` instead of returning it: `f(y, x, ...contexts)`.
 * @typeParam F - the function's own type, kept so its x and contexts are still inferred.
 */
export interface InPlace<
  F extends (y: Buffer, x: any, ...contexts: any[]) => void = (y: Buffer, x: any, ...contexts: any[]) => void,
> {
  readonly kind: 'in-place';
  readonly f: F;
  readonly template: CacheTemplate;
}

/**
 * Marks `f(y, x, ...contexts)` as writing its output into the buffer `y`, shaped like `yTemplate`.
 * @typeParam F - the function's own type, kept so its x and contexts are still inferred.
 */
export function inPlace<F extends (y: Buffer, x: any, ...contexts: any[]) => void>(
  f: F,
  yTemplate: CacheTemplate,
): InPlace<F> {
  if (typeof f !== 'function') throw new InvalidInputError('inPlace(f, yTemplate): f must be a function.');
  checkTemplate('inPlace(f, yTemplate)', 'yTemplate', yTemplate);
  return { kind: 'in-place', f, template: yTemplate };
}

type AnyFunction = (x: any, ...contexts: any[]) => unknown;

function isInPlace(f: unknown): f is InPlace {
  return typeof f === 'object' && f !== null && (f as InPlace).kind === 'in-place';
}

function checkBackend(operator: string, backend: unknown): asserts backend is AnyBackend {
  const k = (backend as AnyBackend | null)?.kind;
  if (k !== 'engine' && k !== 'second-order' && k !== 'matrix') {
    throw new InvalidInputError(
      `${operator}: the backend argument (the second) is not a backend. Pass one such as tape(), forward(), ` +
        'finiteDiff(), tfjs(), secondOrder(outer, inner) or sparse(backend).',
    );
  }
  // Refused here, by the operator's name, before f runs: deep in the fallback chain the
  // failure would name whichever derived operator happened to need the engine.
  for (const e of enginesOf(backend as AnyBackend)) {
    if (!e.pushforward && !e.pullback && !e.jacobian) unsupported(e, operator);
  }
}

/** Operators that replay a function marked with `replay(f)`. */
const replaying = new Set(['gradient', 'derivative']);

function checkReplay(operator: string, backend: AnyBackend): void {
  if (!replaying.has(operator)) {
    throw new InvalidInputError(
      `${operator} does not replay functions; replay(f) is accepted by gradient and derivative (and their ` +
        'prepared forms). Pass f itself.',
    );
  }
  const e = firstOrder(backend);
  if (e.replayable !== true) {
    throw new InvalidInputError(
      `${operator}: replay(f) needs an engine that runs f as a compiled IR program in float64, such as tape() ` +
        `or forward(); the ${e.name} engine runs f on every call. Pass f itself.`,
    );
  }
}

function enginesOf(b: AnyBackend): Engine[] {
  if (b.kind === 'matrix') return enginesOf(b.inner);
  return b.kind === 'second-order' ? [b.outer, b.inner] : [b];
}

/** Runs of any preparation under way: more than zero inside f (an operator called by f). */
let runsUnderway = 0;

export class Preparation {
  /** Key under which engines may keep per-preparation state. */
  readonly key = {};
  readonly xDef: TreeDef;
  readonly caches: (Buffer | null)[];
  private readonly contexts: readonly Context[];
  private readonly y: Buffer | null;
  private readonly yKind: TreeDef | null;
  private outDef: TreeDef | null = null;
  /** The number of leaves of `yDef`. */
  private yLeaves = 0;

  /** The structure of f's output, once f has returned (null before). */
  get yDef(): TreeDef | null {
    return this.outDef;
  }

  set yDef(def: TreeDef | null) {
    this.outDef = def;
    this.yLeaves = def === null ? 0 : leafDefs(def).length;
  }
  private readonly matched: Value[] = [];

  constructor(
    readonly operator: string,
    readonly f: AnyFunction | InPlace,
    readonly backend: AnyBackend,
    x: unknown,
    contexts: readonly unknown[],
    options: { inPlace?: boolean } = {},
  ) {
    if (typeof f !== 'function' && !isInPlace(f)) {
      throw new InvalidInputError(`${operator}: f (the first argument) must be a function.`);
    }
    if (isInPlace(f) && !options.inPlace) {
      throw new InvalidInputError(
        `${operator} does not accept in-place functions; jacobian, pushforward, pullback and derivative do.`,
      );
    }
    checkBackend(operator, backend);
    const replayOptions = replayOptionsOf(f);
    if (replayOptions !== null) checkReplay(operator, backend);
    this.xDef = flatten(x, 'x').def;
    checkContexts(contexts);
    this.contexts = contexts;
    this.caches = allocateCaches(contexts);
    if (isInPlace(f)) {
      this.y = new Buffer(f.template);
      this.yKind = flatten(
        typeof f.template === 'number' || Array.isArray(f.template) ? this.y.read() : f.template,
        'yTemplate',
      ).def;
    } else {
      this.y = null;
      this.yKind = null;
    }
  }

  /**
   * The replay of this preparation when f is marked with `replay(f)`, else null. Its `call`
   * gives a call's result, or null for the ordinary path.
   */
  replayer(mode: ReplayMode): Replayer | null {
    const options = replayOptionsOf(this.f);
    return options === null ? null : new Replayer(this as never, mode, options);
  }

  /**
   * Checks a call's arguments against the preparation and returns the leaves of x as copies of
   * their own: f may write into the caller's x through a closure while it runs, and the point
   * must not move under the engine. Each call's copies are new arrays, so a black box that
   * memoises by reference never sees the same array twice.
   */
  check(x: unknown, contexts: readonly unknown[]): Value[] {
    const leaves = this.match(x, contexts);
    if (leaves === null) this.mismatch(x, contexts);
    const copies = new Array<Value>(leaves.length);
    for (let i = 0; i < leaves.length; i++) copies[i] = ownCopy(leaves[i]!);
    return copies;
  }

  /**
   * The leaves of x (the caller's own values, not copies) when x and the contexts match the
   * preparation, else null. Builds no structure and no string: the steady-state check. The
   * list is the preparation's own, overwritten by the next call.
   */
  match(x: unknown, contexts: readonly unknown[]): Value[] | null {
    const leaves = this.matched;
    const n = matchLeaves(x, this.xDef, leaves);
    if (n < 0) return null;
    if (leaves.length !== n) leaves.length = n;
    const prepared = this.contexts;
    if (contexts.length !== prepared.length) return null;
    for (let i = 0; i < contexts.length; i++) {
      const c = contexts[i];
      const p = prepared[i]!;
      if (!isContext(c) || c.kind !== p.kind) return null;
      if (c.kind === 'cache' && !sameShape(templateShape(c.template), this.caches[i]!.shape)) return null;
    }
    return leaves;
  }

  /** Throws the error that says which argument does not match (`match` returned null). */
  private mismatch(x: unknown, contexts: readonly unknown[]): never {
    const checks: ArgumentCheck[] = [];
    const flat = flatten(x, 'x');
    const xOk = sameStructure(flat.def, this.xDef);
    checks.push({
      name: 'x',
      ok: xOk,
      detail: xOk
        ? describeStructure(flat.def)
        : `${describeStructure(flat.def)}, prepared with ${describeStructure(this.xDef)}`,
    });
    let ok = xOk;
    const n = Math.max(contexts.length, this.contexts.length);
    for (let i = 0; i < n; i++) {
      const c = contexts[i] as Context | undefined;
      const p = this.contexts[i];
      const name = `context ${i + 1}`;
      if (p === undefined || c === undefined) {
        ok = false;
        checks.push({
          name,
          ok: false,
          detail: p === undefined ? 'not prepared for' : `missing (prepared with ${p.kind})`,
        });
        continue;
      }
      if (c.kind !== p.kind) {
        ok = false;
        checks.push({ name, ok: false, detail: `${c.kind}, prepared with ${p.kind}` });
        continue;
      }
      if (c.kind === 'cache' && p.kind === 'cache') {
        const s = new Buffer(c.template).shape;
        const same = sameShape(s, this.caches[i]!.shape);
        ok &&= same;
        checks.push({
          name,
          ok: same,
          detail: same
            ? `cache ${formatShape(s)}`
            : `cache ${formatShape(s)}, prepared with ${formatShape(this.caches[i]!.shape)}`,
        });
      } else {
        checks.push({ name, ok: true, detail: 'constant' });
      }
    }
    if (!ok) throw new PreparationMismatchError(this.operator, checks);
    checkContexts(contexts);
    // Everything matched after all (match is stricter only where flatten would throw).
    throw new StructureMismatchError(
      `${this.operator}: x is ${describeStructure(flat.def)} and does not match the preparation's ${describeStructure(this.xDef)}.`,
    );
  }

  /**
   * Runs `body` with f over leaves. A journal spans the body: each evaluation of f after the
   * first starts from the buffer state the call began with, and afterwards the buffers hold
   * what the first evaluation (at x) left — or, with `restore`, the state the call began with
   * (f is looked at, not evaluated: sparsity detection). `a` is handed to `body` (so a body made
   * once per preparation needs no closure per call).
   */
  run<R, A = undefined>(
    contexts: readonly unknown[],
    body: (f: LeafFn, a: A) => R,
    a?: A,
    restore = false,
  ): R {
    this.y?.fill(0);
    const journal = openJournal();
    // An empty first evaluation: every real one restores the starting state, and so does close().
    if (restore) journal.beginEvaluation();
    // The state `evaluate` reads, kept aside while a run of f calls this preparation again.
    const outerJournal = this.journal;
    const outerCtx = this.ctx;
    this.journal = journal;
    this.ctx = contextValues(contexts as readonly Context[], this.caches);
    // An outermost call: nothing handed over before it is still to be taken.
    if (runsUnderway === 0) releaseHandedOver();
    runsUnderway++;
    try {
      return body(this.evaluate, a as A);
    } finally {
      runsUnderway--;
      this.journal = outerJournal;
      this.ctx = outerCtx;
      journal.close();
    }
  }

  /** The run under way: its journal (null outside a run) and the values of its contexts. */
  private journal: Journal | null = null;
  private ctx: readonly unknown[] = [];

  /** f at leaves of x, within the run under way (what `run` hands its body). */
  private readonly evaluate: LeafFn = (xs) => {
    const journal = this.journal;
    if (journal === null) {
      throw new Error(
        `${this.operator}: f was evaluated after the call ended (an engine kept the function it was handed).`,
      );
    }
    const ctx = this.ctx;
    journal.beginEvaluation();
    const f = this.f;
    const xDef = this.xDef;
    const x = xDef.type === 'leaf' ? asKind(xs[0]!, xDef) : unflatten(xDef, xs);
    let out: unknown;
    if (isInPlace(f)) {
      const y = this.y!;
      f.f(y, x, ...ctx);
      out = y.read();
    } else {
      out = ctx.length === 0 ? f(x) : f(x, ...ctx);
    }
    // The steady state: f returned what it returned before, checked without building anything.
    if (this.yDef !== null) {
      const leaves = new Array<Value>(this.yLeaves);
      if (matchLeaves(out, this.yDef, leaves) >= 0) return leaves;
    }
    const flat = flatten(out, 'the output of f');
    if (this.yDef === null) this.yDef = this.yKind ?? flat.def;
    else if (!sameStructure(this.yDef, flat.def)) {
      throw new StructureMismatchError(
        `f returned ${describeStructure(flat.def)} where an earlier call returned ${describeStructure(this.yDef)}; ` +
          'its output structure must not depend on x.',
      );
    }
    return flat.leaves;
  };
}

/**
 * The contexts of a prepared call, its arguments from `from` on: a shared empty list when there
 * are none, so a call without contexts allocates no list (a rest parameter always does).
 */
export function callContexts(args: IArguments, from: number): readonly unknown[] {
  const n = args.length - from;
  if (n <= 0) return noCallContexts;
  const c = new Array<unknown>(n);
  for (let i = 0; i < n; i++) c[i] = args[from + i];
  return c;
}

const noCallContexts: readonly unknown[] = Object.freeze([]);

/** A leaf of x as a copy of its own (numbers and traced values are immutable and pass through). */
function ownCopy(v: Value): Value {
  if (typeof v === 'number' || v instanceof Tracer) return v;
  return v instanceof Float64Array ? pooledCopy(v) : new NDArray(pooledCopy(v.data), v.shape);
}

/** A fresh result leaf of the kind of `def` (traced values, from a nested differentiation, pass through). */
export function resultLeaf(v: Value, def: TreeDef & { type: 'leaf' }): Value {
  if (v instanceof Tracer || typeof v === 'number') return asKind(v, def);
  const data = plainData(v);
  return asKind(takeOver(data) ? data : data.slice(), def);
}

/** A fresh result tree of structure `def`. */
export function resultTree(def: TreeDef, leaves: readonly Value[]): any {
  if (def.type === 'leaf') return resultLeaf(leaves[0]!, def);
  const defs = leafDefs(def);
  return unflatten(
    def,
    leaves.map((l, i) => resultLeaf(l, defs[i]!)),
  );
}

/** A fresh [rows, cols] matrix result. */
export function resultMatrix(v: Value): any {
  if (v instanceof Tracer) return v;
  const s = plainShape(v);
  return new NDArray(plainData(v).slice(), s.length === 2 ? s : [1, s[0] ?? 1]);
}

/**
 * Writes result leaves into `out`, a tree of structure `def` (array leaves are overwritten,
 * number leaves replaced in their container). Nothing is written unless everything fits.
 */
export function writeInto(out: unknown, def: TreeDef, leaves: readonly Value[], name = 'out'): void {
  if (matchLeaves(out, def, scratchLeaves) < 0) flattenLike(out, def, name, 'the result');
  // The scratch list keeps its length (shrinking it would free its memory); its entries are dropped.
  scratchLeaves.fill(0);
  for (let i = 0; i < leaves.length; i++) {
    if (leaves[i] instanceof Tracer) throw new TracedValueError(`a traced result was written into ${name}`);
  }
  if (def.type === 'leaf' && typeof out === 'number') {
    throw new InvalidInputError(
      `${name} is a number, which cannot be written in place; use the operator without Into.`,
    );
  }
  if (def.type === 'leaf') {
    const v = leaves[0] as Plain;
    const target = out instanceof NDArray ? out.data : (out as Float64Array);
    if (typeof v === 'number') target[0] = v;
    else {
      const data = plainData(v);
      target.set(data);
      // Copied, not kept: an engine's handed-over array is nobody's now (see ownership.ts).
      if (takeOver(data)) recycle(data);
    }
    return;
  }
  writeTree(out, def, leaves, 0);
}

/**
 * Writes `leaves[i…]` into the tree `o` of structure `d` and returns the index after them (a
 * function of its own: a closure here would make every `writeInto` allocate its context).
 */
function writeTree(o: unknown, d: TreeDef, leaves: readonly Value[], i: number): number {
  if (d.type === 'leaf') {
    const v = leaves[i] as Plain;
    const target = o instanceof NDArray ? o.data : (o as Float64Array);
    if (typeof v === 'number') target[0] = v;
    else target.set(plainData(v));
    return i + 1;
  }
  const children = d.children;
  if (d.type === 'array') {
    const arr = o as unknown[];
    for (let j = 0; j < children.length; j++) {
      const c = children[j]!;
      if (c.type === 'leaf' && typeof arr[j] === 'number') arr[j] = numberOf(leaves[i++]!);
      else i = writeTree(arr[j], c, leaves, i);
    }
    return i;
  }
  const obj = o as Record<string, unknown>;
  for (let j = 0; j < children.length; j++) {
    const k = d.keys[j]!;
    const c = children[j]!;
    if (c.type === 'leaf' && typeof obj[k] === 'number') obj[k] = numberOf(leaves[i++]!);
    else i = writeTree(obj[k], c, leaves, i);
  }
  return i;
}

/** Leaves `matchLeaves` writes into and `writeInto` clears: no array per call. */
const scratchLeaves: Value[] = [];

function numberOf(v: Value): number {
  return typeof v === 'number' ? v : plainData(v as Plain)[0]!;
}

/** Writes a matrix result into an NDArray of the same shape. */
export function writeMatrixInto(out: unknown, v: Value, name = 'out'): void {
  if (!(out instanceof NDArray))
    throw new InvalidInputError(`${name} must be an NDArray to receive a matrix.`);
  if (v instanceof Tracer) throw new TracedValueError(`a traced result was written into ${name}`);
  const s = plainShape(v);
  if (!sameShape(out.shape, s)) {
    throw new ShapeMismatchError(
      `${name} has shape ${formatShape(out.shape)}, the result ${formatShape(s)}.`,
    );
  }
  out.data.set(plainData(v));
}

export type { Shape };
