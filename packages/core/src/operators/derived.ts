/**
 * The fallback chain: every operator derived from what an engine declares, on flat lists of
 * leaves. Written in portable math, so a derived operator also runs under an outer trace.
 */
import type { AnyBackend, Backend, BatchResult, Engine, LeafFn, PrepKey, ReadResults } from '../engine.js';
import { NonScalarOutputError, UnsupportedOperatorError } from '../errors.js';
import * as m from '../math/ops.js';
import { type Value, shapeOf } from '../trace.js';
import { type Shape, sizeOf } from '../values.js';

/** All leaves as one flat vector. */
export function flatVector(leaves: readonly Value[]): Value {
  if (leaves.length === 1) return m.reshape(leaves[0]!, [m.size(leaves[0]!)]);
  if (leaves.length === 0) return new Float64Array(0);
  return m.concat(leaves.map((l) => m.reshape(l, [m.size(l)])));
}

/** Splits a flat vector into leaves of the given shapes. */
export function splitVector(v: Value, shapes: readonly Shape[]): Value[] {
  let off = 0;
  return shapes.map((s) => {
    const n = sizeOf(s);
    const part = m.slice(v, off, off + n);
    off += n;
    return m.reshape(part, s);
  });
}

/** The unit vectors of a space of leaves, each as leaves (a chunk start … end of them). */
export function basis(shapes: readonly Shape[], start: number, end: number): Value[][] {
  const n = shapes.reduce((a, s) => a + sizeOf(s), 0);
  const out: Value[][] = [];
  for (let k = start; k < end; k++) {
    const e = new Float64Array(n);
    e[k] = 1;
    out.push(splitVector(e, shapes));
  }
  return out;
}

const shapesOf = (leaves: readonly Value[]) => leaves.map(shapeOf);

/** Number of scalars in a list of leaves. */
export function totalSize(leaves: readonly Value[]): number {
  let n = 0;
  for (const l of leaves) n += sizeOf(shapeOf(l));
  return n;
}

/** An engine that implements neither pushforward nor pullback supports no operator. */
export function unsupported(engine: Engine, operator: string): never {
  throw new UnsupportedOperatorError(
    engine.name,
    operator,
    'An engine must implement pushforward or pullback; use another backend (tape(), forward(), finiteDiff()).',
  );
}

/** J as a [m, n] matrix over the flattened leaves, with the outputs. */
export function jacobianValues(engine: Engine, f: LeafFn, xs: readonly Value[], key: PrepKey) {
  if (engine.jacobian) return engine.jacobian(f, xs, key);
  const n = totalSize(xs);
  const useReverse = engine.pullback && (engine.mode === 'reverse' || !engine.pushforward);
  if (useReverse) {
    const r = reverseRows(engine, f, xs, key);
    return { ys: r.ys, jacobian: jacobianOfRows(r.results, n) };
  }
  if (!engine.pushforward) unsupported(engine, 'jacobian');
  const chunk = Math.max(1, engine.batchSize ?? 1);
  const shapes = shapesOf(xs);
  let ys: readonly Value[] | null = null;
  const cols: Value[] = [];
  for (let start = 0; start < n || ys === null; start += chunk) {
    const r = engine.pushforward(f, xs, basis(shapes, start, Math.min(n, start + chunk)), key);
    ys ??= r.ys;
    for (const c of r.results) cols.push(flatVector(c));
  }
  const mOut = totalSize(ys);
  return { ys, jacobian: cols.length === 0 ? emptyMatrix(mOut, 0) : m.transpose(m.stack(cols)) };
}

function emptyMatrix(rows: number, cols: number): Value {
  return m.zeros([rows, cols]);
}

const isScalarOutput = (ys: readonly Value[]) => ys.length === 1 && shapeOf(ys[0]!).length === 0;

/** The rows of J, as leaves shaped like xs: one backward pass per output element. */
function reverseRows(engine: Engine, f: LeafFn, xs: readonly Value[], key: PrepKey): BatchResult {
  return engine.pullback!(
    f,
    xs,
    (ys) => (isScalarOutput(ys) ? [[1]] : basis(shapesOf(ys), 0, totalSize(ys))),
    key,
  );
}

function jacobianOfRows(rows: readonly (readonly Value[])[], n: number): Value {
  return rows.length === 0 ? emptyMatrix(0, n) : m.stack(rows.map(flatVector));
}

/** ⟨a, b⟩ over lists of leaves of the same shapes, with a strong zero (a zero seed contributes zero). */
function innerProduct(a: readonly Value[], b: readonly Value[]): Value {
  let sum: Value = 0;
  for (let i = 0; i < a.length; i++) sum = m.add(sum, m.sum(m.mulNoNan(a[i]!, b[i]!)));
  return sum;
}

/** f(x) and J·t for each tangent. */
export function pushforwardValues(
  engine: Engine,
  f: LeafFn,
  xs: readonly Value[],
  tangents: readonly (readonly Value[])[],
  key: PrepKey,
): BatchResult {
  if (engine.pushforward) return engine.pushforward(f, xs, tangents, key);
  if (engine.pullback && !engine.jacobian) {
    const r = reverseRows(engine, f, xs, key);
    // A scalar output (f′ of a scalar function): J·t = ⟨∇f, t⟩, no matrix needed.
    if (isScalarOutput(r.ys))
      return { ys: r.ys, results: tangents.map((t) => [innerProduct(r.results[0]!, t)]) };
    return applyJacobian(r.ys, jacobianOfRows(r.results, totalSize(xs)), tangents);
  }
  const { ys, jacobian } = jacobianValues(engine, f, xs, key);
  return applyJacobian(ys, jacobian, tangents);
}

/** J·t for each tangent, shaped like the outputs (with a strong zero, as every rule applies J). */
function applyJacobian(
  ys: readonly Value[],
  jacobian: Value,
  tangents: readonly (readonly Value[])[],
): BatchResult {
  const yShapes = shapesOf(ys);
  return {
    ys,
    results: tangents.map((t) => splitVector(m.matmulNoNan(jacobian, flatVector(t)), yShapes)),
  };
}

/** f(x) and Jᵀ·c for each cotangent. */
export function pullbackValues(
  engine: Engine,
  f: LeafFn,
  xs: readonly Value[],
  cotangents: (ys: readonly Value[]) => readonly (readonly Value[])[],
  key: PrepKey,
): BatchResult {
  if (engine.pullback) return engine.pullback(f, xs, cotangents, key);
  const { ys, jacobian } = jacobianValues(engine, f, xs, key);
  const xShapes = shapesOf(xs);
  const jt = m.transpose(jacobian);
  return {
    ys,
    results: cotangents(ys).map((c) => splitVector(m.matmulNoNan(jt, flatVector(c)), xShapes)),
  };
}

export function checkScalar(operator: string, ys: readonly Value[]): void {
  if (ys.length !== 1 || shapeOf(ys[0]!).length !== 0) {
    throw new NonScalarOutputError(operator, ys.length === 1 ? shapeOf(ys[0]!) : [ys.length]);
  }
}

/** The one cotangent 1 of a scalar output (engines read cotangents, never write them). */
const unitSeed: readonly (readonly Value[])[] = Object.freeze([Object.freeze([1])]);

/** Per operator: the cotangent 1 of a scalar output, after checking that f's output is one. */
const unitCotangents = new Map<string, (ys: readonly Value[]) => readonly (readonly Value[])[]>();

function unitCotangentOf(operator: string): (ys: readonly Value[]) => readonly (readonly Value[])[] {
  let c = unitCotangents.get(operator);
  if (c === undefined) {
    c = unitCotangent(operator);
    unitCotangents.set(operator, c);
  }
  return c;
}

/** (Made apart from `unitCotangentOf`, which would otherwise allocate the closure's context on every call.) */
function unitCotangent(operator: string): (ys: readonly Value[]) => readonly (readonly Value[])[] {
  return (ys) => {
    checkScalar(operator, ys);
    return unitSeed;
  };
}

/** f(x) (a scalar) and its gradient, as leaves. */
export function gradientValues(
  engine: Engine,
  f: LeafFn,
  xs: readonly Value[],
  key: PrepKey,
  operator = 'gradient',
): { y: Value; gradient: readonly Value[] } {
  if (!engine.pullback) return gradientByJacobian(engine, f, xs, key, operator);
  const r = engine.pullback(f, xs, unitCotangentOf(operator), key);
  return { y: r.ys[0]!, gradient: r.results[0]! };
}

/** The gradient as the one row of the Jacobian (apart: its closure would make every call allocate its context). */
function gradientByJacobian(
  engine: Engine,
  f: LeafFn,
  xs: readonly Value[],
  key: PrepKey,
  operator: string,
): { y: Value; gradient: readonly Value[] } {
  const scalarF: LeafFn = (x) => {
    const ys = f(x);
    checkScalar(operator, ys);
    return ys;
  };
  const { ys, jacobian } = jacobianValues(engine, scalarF, xs, key);
  return { y: ys[0]!, gradient: splitVector(m.reshape(jacobian, [m.size(jacobian)]), shapesOf(xs)) };
}

/** The second-order pair for a backend: a plain engine is paired with itself. */
export function pairOf(backend: AnyBackend): { outer: Engine; inner: Engine } {
  if (backend.kind === 'matrix') return pairOf(backend.inner);
  return backend.kind === 'second-order' ? backend : { outer: backend, inner: backend };
}

const innerKeys = new WeakMap<PrepKey, PrepKey>();

/** The inner engine's own per-preparation key, kept with the operator's (its compiled programs live under it). */
function innerKey(key: PrepKey): PrepKey {
  let k = innerKeys.get(key);
  if (k === undefined) {
    k = {};
    innerKeys.set(key, k);
  }
  return k;
}

/**
 * x ↦ ∇f(x) by the inner engine, as a function the outer engine differentiates. Nothing reads a
 * primal of the outer engine's values while it traces (that would make it compute early, op by op,
 * instead of running its recording as compiled code): f's value and gradient at the point are
 * taken afterwards by `valueAndGradientAt`, from the inner engine alone.
 */
function innerGradient(inner: Engine, f: LeafFn, operator: string, key: PrepKey) {
  const traceKey = {};
  const grad: LeafFn = (x) => gradientValues(inner, f, x, traceKey, operator).gradient;
  const valueAndGradientAt = (xs: readonly Value[]) => gradientValues(inner, f, xs, innerKey(key), operator);
  return { grad, valueAndGradientAt };
}

/**
 * f(x), ∇f(x) and H·t for each tangent: the outer engine differentiates the inner engine's
 * gradient, by a pushforward where it has one (forward-over-reverse), else by the gradient of
 * ⟨∇f, t⟩ (reverse-over-reverse). `readPrimals` false: the caller reads only the products (the
 * value and the gradient may be zeros).
 */
export function hvpValues(
  backend: AnyBackend,
  f: LeafFn,
  xs: readonly Value[],
  tangents: readonly (readonly Value[])[],
  key: PrepKey,
  readPrimals = true,
): { y: Value; gradient: readonly Value[]; results: readonly (readonly Value[])[] } {
  const { outer, inner } = pairOf(backend);
  if (outer === inner && outer.hvp) return outer.hvp(f, xs, tangents, key);
  if (outer.pushforward) {
    // f's value leaves as one more output of the inner gradient, so the outer engine returns it
    // with the gradient (one level down) and nothing reads a primal while it is tracing.
    const withValue: LeafFn = (x) => {
      const r = gradientValues(inner, f, x, innerKey(key), 'hvp');
      return [...r.gradient, r.y];
    };
    // Read: the gradient's tangents, and (if asked for) the gradient and the value, whose tangent is not read.
    const read: ReadResults = {
      ys: [...xs.map(() => readPrimals), readPrimals],
      tangents: [...xs.map(() => true), false],
    };
    const r = outer.pushforward(withValue, xs, tangents, key, read);
    const n = r.ys.length - 1;
    return { y: r.ys[n]!, gradient: r.ys.slice(0, n), results: r.results.map((t) => t.slice(0, n)) };
  }
  const { grad, valueAndGradientAt } = innerGradient(inner, f, 'hvp', key);
  const results = tangents.map((t) => {
    const tv = flatVector(t);
    return gradientValues(outer, (x) => [m.sum(m.mulNoNan(flatVector(grad(x)), tv))], xs, key).gradient;
  });
  const first = valueAndGradientAt(xs);
  return { y: first.y, gradient: first.gradient, results };
}

/** f(x), ∇f(x) and the Hessian [n, n]. */
export function hessianValues(backend: Backend, f: LeafFn, xs: readonly Value[], key: PrepKey) {
  const { outer, inner } = pairOf(backend);
  if (outer === inner && outer.hvp) {
    const n = totalSize(xs);
    const r = outer.hvp(f, xs, basis(shapesOf(xs), 0, n), key);
    const rows = r.results.map(flatVector);
    return { y: r.y, gradient: r.gradient, hessian: rows.length === 0 ? m.zeros([0, 0]) : m.stack(rows) };
  }
  const byColumns = !outer.jacobian && outer.pushforward !== undefined && outer.mode !== 'reverse';
  if (byColumns) {
    // As in hvpValues: f's value is one more output of the inner gradient (one more row of the
    // Jacobian, free by columns), so nothing reads a primal while the outer engine traces.
    const withValue: LeafFn = (x) => {
      const r = gradientValues(inner, f, x, innerKey(key), 'hessian');
      return [...r.gradient, r.y];
    };
    const { ys, jacobian } = jacobianValues(outer, withValue, xs, key);
    const n = ys.length - 1;
    return { y: ys[n]!, gradient: ys.slice(0, n), hessian: m.slice(jacobian, 0, totalSize(xs)) };
  }
  const { grad, valueAndGradientAt } = innerGradient(inner, f, 'hessian', key);
  const { jacobian } = jacobianValues(outer, grad, xs, key);
  const first = valueAndGradientAt(xs);
  return { y: first.y, gradient: first.gradient, hessian: jacobian };
}
