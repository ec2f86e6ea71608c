import type { Buffer } from './buffer.js';
import { TraceEscapedError, TracedValueError } from './errors.js';
import type { Primitive, PrimitiveName, PrimitiveParams } from './primitive.js';
import { type Plain, type Shape, formatShape, sizeOf } from './values.js';

/** Node's `util.inspect` (so `console.log`) calls this method when an object has it. */
const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/**
 * A value that carries derivative information for one differentiation in progress (its trace).
 * It refuses to become a JS number, a string or an array-like (`plainArray[i] = v`, `v.length`,
 * `v[0]`, `for (const e of v)` all throw `TracedValueError`), so a derivative is never dropped
 * silently; `console.log(v)` and `v.toString()` show its engine, shape and primal values.
 */
export abstract class Tracer {
  abstract readonly trace: Trace;
  abstract readonly shape: Shape;

  /** The number of elements of the traced value (the product of its shape). */
  get size(): number {
    return sizeOf(this.shape);
  }

  /** Refused: `for (i < v.length)` would silently run zero times. */
  get length(): never {
    throw new TracedValueError('its length was read, as in for (let i = 0; i < v.length; i++)', 'array');
  }

  /** Refused: iterating would read elements as JS numbers and drop their derivatives. */
  [Symbol.iterator](): never {
    throw new TracedValueError(
      'it was iterated, as in for (const e of v), [...v], const [a, b] = v or Array.from(v)',
      'array',
    );
  }

  /** Refused: a JS number or string made of a traced value has lost its derivative. */
  [Symbol.toPrimitive](hint: string): never {
    if (hint === 'string') {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the message quotes the user's code
      throw new TracedValueError('it was converted to a string, as in `${v}` or String(v)', 'string');
    }
    if (hint === 'default') {
      throw new TracedValueError("it was combined with + or compared with ==, as in v + 1 or '' + v");
    }
    throw new TracedValueError(
      `it was used where JS needs a number, as in arr[i] = v, v + 1, v < 0 or Math.exp(v) (hint: ${hint})`,
    );
  }

  /** Refused, as `Symbol.toPrimitive` is. */
  valueOf(): never {
    throw new TracedValueError('valueOf() was called on it');
  }

  /** `Tracer(tape, [3]: 1, 2, 3)`: the engine, the shape and the primal values, never throwing. */
  toString(): string {
    return `Tracer(${this.trace.engine}, ${formatShape(this.shape)}: ${describePrimal(this)})`;
  }

  /** What `console.log` and `util.inspect` show on Node: `toString()`. */
  [inspectSymbol](): string {
    return this.toString();
  }

  /** Refused: serialising would drop the derivative; serialise `value(v)` instead. */
  toJSON(): never {
    throw new TracedValueError('it was serialised with JSON.stringify', 'string');
  }
}

/** Elements shown when a traced value is printed. */
const shownElements = 8;

function describePrimal(t: Tracer): string {
  let v: Value = t;
  try {
    while (v instanceof Tracer) {
      if (!v.trace.active) return 'its differentiation has ended';
      v = v.trace.primal(v);
    }
  } catch {
    return 'primal not available';
  }
  const data = typeof v === 'number' ? Float64Array.of(v) : v instanceof Float64Array ? v : v.data;
  const shown = Array.from(data.subarray(0, shownElements), String);
  if (data.length > shownElements) shown.push(`… ${data.length - shownElements} more`);
  return shown.join(', ');
}

/**
 * Below every tracer's own properties and methods in its prototype chain: an element read or
 * write (`v[0]`, `v[i] ?? 1`, `0 in v`) on a traced value throws instead of reading `undefined`.
 * Only lookups that miss everything above reach it, so ordinary property access costs nothing.
 */
const elementGuard = new Proxy(Object.prototype, {
  get(target, key, receiver) {
    if (isIndexKey(key)) throw elementError(key, 'read');
    return Reflect.get(target, key, receiver);
  },
  set(target, key, value, receiver) {
    if (isIndexKey(key)) throw elementError(key, 'written');
    return Reflect.set(target, key, value, receiver);
  },
  has(target, key) {
    if (isIndexKey(key)) throw elementError(key, 'tested with in');
    return Reflect.has(target, key);
  },
});
Object.setPrototypeOf(Tracer.prototype, elementGuard);

function isIndexKey(key: string | symbol): key is string {
  return typeof key === 'string' && /^-?\d+$/.test(key);
}

function elementError(key: string, how: string): TracedValueError {
  return new TracedValueError(`its element [${key}] was ${how}, as in v[${key}]`, 'array');
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
  /** Buffers written with this trace's values, settled to primal values when it ends (made on first write). */
  private written: Set<Buffer> | null = null;
  /**
   * True once a buffer snapshot (an operator's journal) holds values of this trace. A snapshot
   * restored after the trace ended has them settled to their primals then: an engine must keep
   * what `primal` reads from this trace's own, not reuse it for a later trace.
   */
  snapshotted = false;
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
  /** The tracer that `pack` turned into `id`. */
  unpack?(id: number): Tracer;

  /**
   * Optional: a tracer of this trace standing for the constant `v` (no derivative). A program
   * interpreted on this trace's values lifts its plain inputs with it, so that the equations that
   * read only those are recorded by this trace (and compiled with the rest) instead of being
   * computed one by one, as plain values, on every run.
   */
  lift?(v: Plain): Tracer;

  /** Notes that `b` holds a value of this trace (it is settled when the trace ends). */
  wrote(b: Buffer): void {
    (this.written ??= new Set()).add(b);
  }

  /** The buffers that hold values of this trace. */
  get buffers(): ReadonlySet<Buffer> {
    return this.written ?? noBuffers;
  }

  /** Ends the trace: its tracers become unusable and the buffers it wrote hold primal values again. */
  finish(): void {
    this.active = false;
    const written = this.written;
    if (written === null) return;
    for (const b of written) b.settle(this);
    written.clear();
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

/** Whether `v` is a traced value (of any engine). */
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
  if (top === null) {
    const out = prim.impl(args as readonly Plain[], params);
    if (plainObserver !== null) plainObserver(prim, args as readonly Plain[], params, out);
    return out;
  }
  return top.process(prim, args, params);
}

/** Called with every primitive applied to plain values while set (a replay recording them). */
export type PlainObserver = (
  prim: Primitive,
  args: readonly Plain[],
  params: PrimitiveParams[PrimitiveName],
  out: Plain,
) => void;

let plainObserver: PlainObserver | null = null;

/** @internal Sets the observer of plain primitive applications (null: none); returns the previous one. */
export function observePlain(o: PlainObserver | null): PlainObserver | null {
  const prev = plainObserver;
  plainObserver = o;
  return prev;
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
  if (top === null) {
    const args = (b === undefined ? [a] : [a, b]) as Plain[];
    const out = prim.impl(args, noParams as never);
    if (plainObserver !== null) plainObserver(prim, args, noParams as never, out);
    return out;
  }
  if (top.processElementwise !== undefined) {
    const out = top.processElementwise(prim, a, b);
    if (out !== null) return out;
  }
  return top.process(prim, b === undefined ? [a] : [a, b], noParams as never);
}

const noParams = Object.freeze({});
const noBuffers: ReadonlySet<Buffer> = new Set();

/**
 * A mark in the order of traces: every trace created after this call has an id at least this
 * large. An operator takes one before it starts its differentiations, so that what it returns
 * can be taken exactly one level down (see `primalSince`).
 */
export function traceMark(): number {
  return nextTraceId;
}

/**
 * The value with the tracing of every differentiation begun since `mark` removed, and the
 * tracing of earlier ones kept: what an operator nested inside an outer differentiation returns
 * (its results stay traced by the outer one, so they are differentiated in turn).
 */
export function primalSince(v: Value, mark: number): Value {
  while (v instanceof Tracer && v.trace.id >= mark) {
    if (!v.trace.active) throw new TraceEscapedError(v.trace.engine, 'an operator result');
    v = v.trace.primal(v);
  }
  return v;
}

/** The plain primal of a value, through every level of tracing: use it for control flow. */
export function primalValue(v: Value): Plain {
  while (v instanceof Tracer) {
    if (!v.trace.active) throw new TraceEscapedError(v.trace.engine, 'value()');
    v = v.trace.primal(v);
  }
  return v;
}

const scalarShape: Shape = Object.freeze([]);

/** The shape of a plain or traced value. */
export function shapeOf(v: Value): Shape {
  if (typeof v === 'number') return scalarShape;
  // Tracers first: a negative instanceof on a tracer walks its whole prototype chain.
  if (v instanceof Tracer) return v.shape;
  if (v instanceof Float64Array) return [v.length];
  return v.shape;
}
