import type { Buffer } from './buffer.js';
import { TraceEscapedError, TracedValueError } from './errors.js';
import type { Primitive, PrimitiveName, PrimitiveParams } from './primitive.js';
import { type Plain, type Shape, sizeOf } from './values.js';

/**
 * A value that carries derivative information for one differentiation in progress (its trace).
 * It refuses to become a JS number, so `plainArray[i] = v` throws instead of silently dropping
 * the derivative.
 */
export abstract class Tracer {
  abstract readonly trace: Trace;
  abstract readonly shape: Shape;

  get size(): number {
    return sizeOf(this.shape);
  }

  [Symbol.toPrimitive](hint: string): never {
    throw new TracedValueError(
      hint === 'string'
        ? `it was converted to a string`
        : `it was used where JS needs a number, as in arr[i] = v, v + 1, v < 0 or Math.exp(v) (hint: ${hint})`,
    );
  }

  valueOf(): never {
    throw new TracedValueError('valueOf() was called on it');
  }

  toString(): string {
    return `Tracer(${this.trace.engine}, shape [${this.shape.join(', ')}])`;
  }

  toJSON(): never {
    throw new TracedValueError('it was serialised with JSON.stringify');
  }
}

/** What portable math computes with: a plain float64 value, or a traced one. */
export type Value = Plain | Tracer;

let nextTraceId = 1;

/**
 * One differentiation in progress. Traces are told apart by identity: a later trace is nested
 * inside every earlier trace still active, and an op is handled by the innermost trace among
 * its arguments; values of other traces are constants to it.
 */
export abstract class Trace {
  readonly id = nextTraceId++;
  active = true;
  /** Buffers written with this trace's values, settled to primal values when it ends. */
  readonly buffers = new Set<Buffer>();
  abstract readonly engine: string;

  /** Apply `prim` to `args`, at least one of which is a tracer of this trace. */
  abstract process<N extends PrimitiveName>(
    prim: Primitive<N>,
    args: readonly Value[],
    params: PrimitiveParams[N],
  ): Value;

  /** The value one level down: what this tracer's primal is (plain, or a tracer of an outer trace). */
  abstract primal(t: Tracer): Value;

  /**
   * Optional fast path for an elementwise primitive of one or two arguments (`b` undefined for
   * one), called with no argument array: the result, or null to have `process` handle it.
   */
  processElementwise?(prim: Primitive, a: Value, b: Value | undefined): Value | null;

  /**
   * Optional: a tracer of this trace as a non-negative integer, or -1 when it cannot be packed.
   * A buffer keeps packed tracers as numbers and unpacks them when read, so a loop that writes
   * one slot after another keeps no tracer objects alive. `unpack(pack(t))` must behave as `t`.
   */
  pack?(t: Tracer): number;
  unpack?(id: number): Tracer;

  /** Ends the trace: its tracers become unusable and the buffers it wrote hold primal values again. */
  finish(): void {
    this.active = false;
    for (const b of this.buffers) b.settle(this);
    this.buffers.clear();
  }
}

/** Runs `body` inside `trace`, finishing the trace however `body` ends. */
export function withTrace<T>(trace: Trace, body: () => T): T {
  try {
    return body();
  } finally {
    trace.finish();
  }
}

export function isTracer(v: unknown): v is Tracer {
  return v instanceof Tracer;
}

/** Hands a primitive application to the innermost trace among its arguments, or to the float64 kernel. */
export function bind<N extends PrimitiveName>(
  prim: Primitive<N>,
  args: readonly Value[],
  params: PrimitiveParams[N],
): Value {
  let top: Trace | null = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a instanceof Tracer) {
      const t = a.trace;
      if (!t.active) throw new TraceEscapedError(t.engine, prim.name);
      if (top === null || t.id > top.id) top = t;
    }
  }
  if (top === null) return prim.impl(args as readonly Plain[], params);
  return top.process(prim, args, params);
}

/**
 * `bind` for an elementwise primitive (no parameters) of one or two arguments (`b` undefined
 * for one): the innermost trace may take it by `processElementwise`, with no argument array.
 */
export function bindElementwise(prim: Primitive, a: Value, b: Value | undefined): Value {
  let top: Trace | null = null;
  if (a instanceof Tracer) {
    top = a.trace;
    if (!top.active) throw new TraceEscapedError(top.engine, prim.name);
  }
  if (b instanceof Tracer) {
    const t = b.trace;
    if (!t.active) throw new TraceEscapedError(t.engine, prim.name);
    if (top === null || t.id > top.id) top = t;
  }
  if (top === null) return prim.impl((b === undefined ? [a] : [a, b]) as Plain[], noParams as never);
  if (top.processElementwise !== undefined) {
    const out = top.processElementwise(prim, a, b);
    if (out !== null) return out;
  }
  return top.process(prim, b === undefined ? [a] : [a, b], noParams as never);
}

const noParams = Object.freeze({});

/** The plain primal of a value, through every level of tracing: use it for control flow. */
export function primalValue(v: Value): Plain {
  while (v instanceof Tracer) {
    if (!v.trace.active) throw new TraceEscapedError(v.trace.engine, 'value()');
    v = v.trace.primal(v);
  }
  return v;
}

const scalarShape: Shape = Object.freeze([]);

export function shapeOf(v: Value): Shape {
  if (typeof v === 'number') return scalarShape;
  if (v instanceof Float64Array) return [v.length];
  return v.shape;
}
