/**
 * Black boxes differentiated by a backend of one's choice, like DifferentiationInterface.jl's
 * `DifferentiateWith`: a custom function whose JVP is the backend's pushforward and whose VJP is
 * the backend's pullback. Each rule is itself a black box of the same kind, so a differentiation
 * of a rule (second order) asks the backend again, and the box only ever sees plain values.
 */
import { Buffer } from './buffer.js';
import { type Cache, type Context, constant, isContext } from './context.js';
import { RuleCall, type ShapeRule, freshCopy } from './custom.js';
import { describeValue } from './describe.js';
import type { Backend } from './engine.js';
import { InvalidInputError, TracedValueError, isDiffError } from './errors.js';
import { isValue } from './math/checks.js';
import * as m from './math/ops.js';
import { pullback } from './operators/pullback.js';
import { pushforward } from './operators/pushforward.js';
import { Tracer, type Value, shapeOf } from './trace.js';
import { isPlain, sizeOf } from './values.js';

/** How one context reaches f: a constant (its value is an argument of the call) or a cache. */
type Slot = { readonly kind: 'constant' } | Cache;
const constantSlot: Slot = Object.freeze({ kind: 'constant' });

/** f over its active arguments and what its contexts hand it (a constant's value, a cache's buffer). */
type BoxFn = (actives: readonly Value[], contextValues: readonly unknown[], slots: readonly Slot[]) => Value;

/** The values f receives for its contexts: constants from the call's arguments, a fresh buffer per cache. */
function valuesOf(constants: readonly Value[], slots: readonly Slot[]): unknown[] {
  let k = 0;
  return slots.map((s) => (s.kind === 'cache' ? new Buffer(s.template) : constants[k++]));
}

/** The contexts an operator of the backend is given for f's context values. */
function contextsOf(values: readonly unknown[], slots: readonly Slot[]): Context[] {
  return slots.map((s, i) => (s.kind === 'cache' ? s : constant(values[i])));
}

function firstOrderName(b: Backend): string {
  return b.kind === 'second-order' ? b.inner.name : b.name;
}

/** The plain elements of values, one after another. */
function flatElements(values: readonly Value[]): Value {
  const parts = values.map((v) => m.reshape(v, [sizeOf(shapeOf(v))]));
  return parts.length === 1 ? parts[0]! : m.concat(parts);
}

/**
 * A black box with `active` differentiable arguments (then constants), its rules from `backend`.
 * The rules' own boxes are made on first use.
 */
class BlackBox {
  readonly call: RuleCall;
  #pushforward: BlackBox | undefined;
  #pullback: BlackBox | undefined;

  constructor(
    readonly name: string,
    readonly fn: BoxFn,
    readonly active: number,
    readonly backend: Backend,
    shape: ShapeRule | undefined,
  ) {
    const a = active;
    this.call = new RuleCall(
      name,
      {
        f: (args, extra) => fn(args.slice(0, a), valuesOf(args.slice(a), extra as Slot[]), extra as Slot[]),
        traceable: false,
        jvp: (primals, tangents, params) =>
          this.#pushforwardBox().call.apply(
            [...primals.slice(0, a), ...tangents.slice(0, a), ...primals.slice(a)],
            2 * a,
            params.extra,
            params.shape,
          ),
        vjp: (primals, ct, params) => {
          const shapes = primals.slice(0, a).map(shapeOf);
          const total = shapes.reduce((n, s) => n + sizeOf(s), 0);
          const flat = this.#pullbackBox().call.apply(
            [...primals.slice(0, a), ct, ...primals.slice(a)],
            a + 1,
            params.extra,
            [total],
          );
          let offset = 0;
          return primals.map((_, i) => {
            if (i >= a) return null;
            const s = shapes[i]!;
            const n = sizeOf(s);
            const part = m.reshape(m.slice(flat, offset, offset + n), s);
            offset += n;
            return part;
          });
        },
      },
      shape,
    );
  }

  /** f of the box's arguments, as the backend's operators call it (x the list of active arguments). */
  #asOperand(slots: readonly Slot[]) {
    return (xs: readonly Value[], ...contextValues: unknown[]) => {
      try {
        // Fresh plain arrays in and out: a backend may reuse its work arrays for other points, and
        // f may return a scratch array that its next evaluation overwrites.
        const y = this.fn(
          xs.map((x) => (x instanceof Tracer ? x : freshCopy(x))),
          contextValues,
          slots,
        );
        return y instanceof Tracer || !isPlain(y) ? y : freshCopy(y);
      } catch (e) {
        // An AD backend runs f on its traced values: plain-JS code fails on them.
        if (!xs.some((x) => x instanceof Tracer) || (isDiffError(e) && !(e instanceof TracedValueError)))
          throw e;
        throw new InvalidInputError(
          `${this.name}: f failed on the traced values the ${firstOrderName(this.backend)} backend runs it on ` +
            `(${(e as Error).message}). Only finiteDiff() differentiates plain-JS code; another backend needs f ` +
            'written with @diffint/core/math.',
        );
      }
    };
  }

  /** J·t as a black box of (x, t): the backend's pushforward. */
  #pushforwardBox(): BlackBox {
    const a = this.active;
    this.#pushforward ??= new BlackBox(
      `${this.name}'s pushforward`,
      (actives, values, slots) =>
        pushforward(
          this.#asOperand(slots),
          this.backend,
          actives.slice(0, a),
          [actives.slice(a)],
          ...contextsOf(values, slots),
        )[0] as Value,
      2 * a,
      this.backend,
      undefined,
    );
    return this.#pushforward;
  }

  /** Jᵀ·c as a black box of (x, c): the backend's pullback, every cotangent in one flat vector. */
  #pullbackBox(): BlackBox {
    const a = this.active;
    this.#pullback ??= new BlackBox(
      `${this.name}'s pullback`,
      (actives, values, slots) => {
        const [g] = pullback(
          this.#asOperand(slots),
          this.backend,
          actives.slice(0, a),
          [actives[a]! as never],
          ...contextsOf(values, slots),
        ) as unknown as Value[][];
        return flatElements(g!);
      },
      a + 1,
      this.backend,
      undefined,
    );
    return this.#pullback;
  }
}

/** Options of `differentiateWith`. */
export interface DifferentiateWithOptions {
  /** What error messages call the function (default: f's name). */
  readonly name?: string;
  /** The output's shape, fixed or from x's shape (see `customRule`'s option of the same name). */
  readonly shape?: ShapeRule;
}

/**
 * Wraps a plain-JS function so that, inside code differentiated by any engine, its derivative
 * comes from `backend` — finite differences of the black box (`finiteDiff()`), or another engine
 * — as DifferentiationInterface.jl's `DifferentiateWith`. Built on `customRule`: its JVP is the
 * backend's `pushforward`, its VJP the backend's `pullback`, and each of those is again a black
 * box differentiated by `backend`, so second order works (forward-over-tape, tape-over-tape,
 * tfjs's pushforward) at the cost of differentiating the rules with the backend.
 *
 * `f(x, ...contexts)` takes a number, `Float64Array` or `NDArray` x and returns one; it may write
 * plain arrays and call `Math.*`. It only ever receives plain values, a fresh copy of x at every
 * evaluation (never a traced value, never one array object for two points), and its result is
 * copied. The wrapped function takes x (differentiated) and contexts, passed through to f and to
 * the backend's operators: `constant(c)` (a number, `Float64Array` or `NDArray` that is never
 * differentiated; refused if it holds a traced value) and `cache(template)` (f receives a fresh
 * `Buffer` per evaluation). Since the backend runs on plain values only, every backend nests
 * inside every engine; a backend that cannot differentiate f (an AD engine given plain-JS code)
 * throws its own typed error.
 *
 * ```ts
 * // one explicit Euler step of u' = -u³, written in plain JS over a scratch array
 * const scratch = new Float64Array(3);
 * const step = differentiateWith((u: Float64Array) => {
 *   for (let i = 0; i < 3; i++) scratch[i] = u[i]! - 0.1 * Math.pow(u[i]!, 3);
 *   return scratch;
 * }, finiteDiff());
 * gradient((u) => m.sum(m.square(step(u))), tape(), Float64Array.of(1, 2, 3));
 * ```
 */
export function differentiateWith<X extends Value>(
  f: (x: X, ...contexts: never[]) => Value,
  backend: Backend,
  options: DifferentiateWithOptions = {},
): (x: Value, ...contexts: Context[]) => Value {
  if (typeof f !== 'function') {
    throw new InvalidInputError(
      `differentiateWith(f, backend): f is ${describeValue(f)}; it must be a function.`,
    );
  }
  const kind = (backend as { kind?: unknown } | null)?.kind;
  if (kind !== 'engine' && kind !== 'second-order') {
    throw new InvalidInputError(
      `differentiateWith(f, backend): backend is ${describeValue(backend)}; pass an engine such as finiteDiff(), ` +
        'tape() or forward(), or a secondOrder(outer, inner) pair.',
    );
  }
  const name = `differentiateWith '${options.name ?? (f.name || 'anonymous')}'`;
  const call = (f as (x: Value, ...contexts: unknown[]) => Value).bind(undefined);
  const box = new BlackBox(
    name,
    (actives, values) => call(actives[0]!, ...values),
    1,
    backend,
    options.shape,
  );
  return (x: Value, ...contexts: Context[]) => {
    if (!isValue(x)) {
      throw new InvalidInputError(
        `${name}: x is ${describeValue(x)}; it must be a number, a Float64Array or an NDArray (or a traced one).`,
      );
    }
    const args: Value[] = [x];
    const slots: Slot[] = contexts.map((c, i) => {
      if (!isContext(c)) {
        throw new InvalidInputError(
          `${name}: context ${i + 1} is ${describeValue(c)}; pass constant(value) or cache(template).`,
        );
      }
      if (c.kind === 'cache') return c;
      if (c.value instanceof Tracer) {
        throw new InvalidInputError(
          `${name}: constant ${i + 1} holds a traced value, and a constant is never differentiated; make it x.`,
        );
      }
      if (!isValue(c.value)) {
        throw new InvalidInputError(
          `${name}: constant ${i + 1} holds ${describeValue(c.value)}; a black box's constants are numbers, ` +
            "Float64Arrays or NDArrays (enclose other data in f's closure).",
        );
      }
      args.push(c.value);
      return constantSlot;
    });
    return box.call.apply(args, 1, slots);
  };
}
