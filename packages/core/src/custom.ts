/**
 * Functions with derivative rules of their own. `customRule(f, { jvp, vjp })` applies f through
 * the `customCall` primitive, so every engine takes its derivative from the rules: forward mode
 * from the JVP, reverse mode from the VJP, and the missing one derived by transposing the other
 * (both are linear in their tangent or cotangent) when it is written in portable math.
 */
import { describeValue } from './describe.js';
import {
  InvalidInputError,
  ShapeMismatchError,
  TracedValueError,
  UnsupportedOperatorError,
  isDiffError,
} from './errors.js';
import { NotStageableError, StagedTracer } from './ir/stage.js';
import { checkValue, isValue } from './math/checks.js';
import * as m from './math/ops.js';
import type { Tangent } from './primitive.js';
import { type CustomCall, type CustomCallParams, op as customCall } from './primitives/customCall.js';
import { LinearTrace, NonLinearRuleError } from './registry/transpose.js';
import { Tracer, type Value, primalValue, shapeOf } from './trace.js';
import { type Plain, type Shape, formatShape, fromData, isPlain, plainData, sameShape } from './values.js';

/** A fresh copy of a plain value: what f is given and what a call returns, so no array is shared. */
export function freshCopy(v: Plain): Plain {
  return typeof v === 'number' ? v : fromData(plainData(v).slice(), shapeOf(v));
}

/**
 * The rules of a custom call over a list of arguments, the first `active` of which are primals.
 * `extra` is per-call data (see `CustomCallParams`).
 */
export interface CallRules {
  /** f on the arguments: fresh plain copies, or (sparsity detection, when `traceable`) traced values. */
  readonly f: (args: readonly Value[], extra: readonly unknown[]) => Value;
  /** f is portable math: an interpreter may trace through it. */
  readonly traceable: boolean;
  /** The tangent of f's output for tangents of every argument (zeros where there is none). */
  readonly jvp?: (primals: readonly Value[], tangents: readonly Value[], params: CustomCallParams) => Value;
  /** The cotangent of each argument (null: zero) for a cotangent of the output. */
  readonly vjp?: (
    primals: readonly Value[],
    cotangent: Value,
    params: CustomCallParams,
  ) => readonly (Value | null | undefined)[];
}

/** The output shape of a custom function: fixed, or a function of its arguments' shapes. */
export type ShapeRule = Shape | ((...shapes: Shape[]) => Shape);

let nextCallId = 1;

/** Distinct shape signatures remembered per function (a function called at ever new shapes forgets). */
const rememberedShapes = 64;

/** A function with its rules, applied by the `customCall` primitive (see CustomCall). */
export class RuleCall implements CustomCall {
  readonly id = nextCallId++;
  readonly #rules: CallRules;
  readonly #shape: ShapeRule | undefined;
  readonly #shapes = new Map<string, Shape>();

  /** `name`: how messages call it, as in `customRule 'softplus'`. */
  constructor(
    readonly name: string,
    rules: CallRules,
    shape: ShapeRule | undefined,
  ) {
    this.#rules = rules;
    this.#shape = shape;
  }

  /**
   * Applies the function: on plain arguments it runs at once; with a traced one it is a
   * `customCall` equation of the innermost differentiation among them.
   */
  apply(args: readonly Value[], active: number, extra: readonly unknown[], shape?: Shape): Value {
    args.forEach((a, i) => checkValue(this.name, `primals[${i}]`, a));
    if (!args.some((a) => a instanceof Tracer)) {
      const y = this.#result(
        this.#rules.f(
          args.map((a) => freshCopy(a as Plain)),
          extra,
        ),
        args,
      );
      if (shape !== undefined) this.#checkShape(y, args, shape);
      else this.#remember(args, shapeOf(y));
      return y;
    }
    return customCall(this, args, shape ?? this.outputShape(args, extra), active, extra);
  }

  /**
   * The output shape for these arguments: stated, remembered from an earlier call at these
   * shapes, or found by calling f once on the arguments' primal values (zeros where a
   * differentiation has none, as in sparsity detection).
   */
  outputShape(args: readonly Value[], extra: readonly unknown[]): Shape {
    const shapes = args.map(shapeOf);
    if (this.#shape !== undefined) {
      const s = typeof this.#shape === 'function' ? this.#shape(...shapes) : this.#shape;
      if (!Array.isArray(s) || !s.every((d) => Number.isInteger(d) && d >= 0)) {
        throw new InvalidInputError(
          `${this.name}: its shape option gave ${describeValue(s)} for arguments of shapes ${shapes.map(formatShape).join(', ')}; ` +
            'it must be a shape (an array of non-negative integers).',
        );
      }
      return s;
    }
    const known = this.#shapes.get(keyOf(shapes));
    if (known !== undefined) return known;
    let points: Plain[];
    try {
      points = args.map(primalValue);
    } catch (e) {
      if (!isDiffError(e)) throw e;
      points = shapes.map((s) => m.zeros(s));
    }
    const y = this.#result(this.#rules.f(points.map(freshCopy), extra), args);
    this.#remember(args, shapeOf(y));
    return shapeOf(y);
  }

  evaluate(args: readonly Plain[], params: CustomCallParams): Plain {
    const y = this.#result(this.#rules.f(args.map(freshCopy), params.extra), args);
    this.#checkShape(y, args, params.shape);
    return y;
  }

  #checkShape(y: Plain, args: readonly Value[], shape: Shape): void {
    if (!sameShape(shapeOf(y), shape)) {
      throw new ShapeMismatchError(
        `${this.name}: f returned a value of shape ${formatShape(shapeOf(y))} for arguments of shapes ` +
          `${args.map((a) => formatShape(shapeOf(a))).join(', ')}, where it returned ${formatShape(shape)} before; ` +
          'its output shape must depend only on the shapes of its arguments.',
      );
    }
  }

  jvp(tangents: readonly Tangent[], primals: readonly Value[], params: CustomCallParams): Tangent {
    liveRules(this.name, primals);
    this.#checkInactive(
      tangents.map((t) => t !== null),
      params,
    );
    if (tangents.every((t) => t === null)) return null;
    if (this.#rules.jvp !== undefined) return this.#jvpRule(tangents, primals, params);
    return this.#jvpByTransposition(tangents, primals, params);
  }

  vjp(
    cotangent: Value,
    primals: readonly Value[],
    params: CustomCallParams,
    needs: readonly boolean[],
  ): readonly Tangent[] {
    liveRules(this.name, primals);
    this.#checkInactive(needs, params);
    if (!needs.includes(true)) return primals.map(() => null);
    if (this.#rules.vjp !== undefined) {
      return this.#vjpRule(cotangent, primals, params).map((g, i) => (needs[i] ? g : null));
    }
    return this.#vjpByTransposition(cotangent, primals, params, needs);
  }

  body(args: readonly Value[], params: CustomCallParams): Value | null {
    return this.#rules.traceable ? this.#rules.f(args, params.extra) : null;
  }

  /** The JVP rule, checked: its tangent has the output's shape. */
  #jvpRule(tangents: readonly Tangent[], primals: readonly Value[], params: CustomCallParams): Value {
    const ts = primals.map((p, i) => tangents[i] ?? m.zerosLike(p));
    const t = this.#run('jvp', [...primals, ...ts], () => this.#rules.jvp!(primals, ts, params));
    checkRuleValue(this.name, 'jvp', 'the tangent of y (its second result)', t, params.shape, "f's output");
    return t;
  }

  /** The VJP rule, checked: one cotangent per primal, each of its primal's shape (null: zero). */
  #vjpRule(ct: Value, primals: readonly Value[], params: CustomCallParams): Tangent[] {
    const gs = this.#run('vjp', [...primals, ct], () => this.#rules.vjp!(primals, ct, params));
    if (!Array.isArray(gs) || gs.length !== primals.length) {
      throw new InvalidInputError(
        `${this.name}: its vjp rule returned ${describeResults(gs)} for ${primals.length} primals; it must ` +
          `return an array of ${primals.length} cotangents, one per primal, each shaped like it (null for zero).`,
      );
    }
    return gs.map((g, i) => {
      if (g === null || g === undefined) return null;
      checkRuleValue(this.name, 'vjp', `cotangent ${i}`, g, shapeOf(primals[i]!), `primal ${i}`);
      return g;
    });
  }

  /** J·t from a VJP rule alone: the rule is linear in its cotangent, so its transpose is the JVP. */
  #jvpByTransposition(
    tangents: readonly Tangent[],
    primals: readonly Value[],
    params: CustomCallParams,
  ): Tangent {
    const trace = new LinearTrace(`the vjp rule of ${this.name}`);
    let ct: Value;
    let gs: Tangent[];
    try {
      ct = trace.tangent(params.shape);
      gs = this.#vjpRule(ct, primals, params);
    } catch (e) {
      throw this.#refusal(e, primals, 'vjp', 'forward mode', 'jvp');
    } finally {
      trace.finish();
    }
    return trace.transposeAll(gs, tangents, [ct as never])[0] ?? null;
  }

  /** Jᵀ·c from a JVP rule alone, by transposing it (as the primitives' derived VJPs are). */
  #vjpByTransposition(
    ct: Value,
    primals: readonly Value[],
    params: CustomCallParams,
    needs: readonly boolean[],
  ): Tangent[] {
    const trace = new LinearTrace(`the jvp rule of ${this.name}`);
    let inputs: Tangent[];
    let t: Value;
    try {
      inputs = primals.map((p, i) => (needs[i] ? trace.tangent(shapeOf(p)) : null));
      t = this.#jvpRule(inputs, primals, params);
    } catch (e) {
      throw this.#refusal(e, primals, 'jvp', 'reverse mode', 'vjp');
    } finally {
      trace.finish();
    }
    return trace.transpose(t, ct, inputs as never);
  }

  /** A rule that could not be transposed, as a typed error naming the rule and the fix. */
  #refusal(e: unknown, primals: readonly Value[], rule: string, mode: string, missing: string): unknown {
    if (e instanceof NotStageableError) return e;
    if (!(e instanceof NonLinearRuleError) && !(e instanceof TracedValueError)) return e;
    if (primals.some((p) => p instanceof StagedTracer))
      return new NotStageableError(`${this.name}'s ${rule} rule`);
    return new UnsupportedOperatorError(
      engineOf(primals),
      `${mode} through ${this.name}, which states only a ${rule} rule`,
      `Its ${missing} is derived by transposing the ${rule} rule, which needs the rule written with linear ` +
        `portable-math ops of its ${rule === 'jvp' ? 'tangents' : 'cotangent'} (${e.message}). State a ${missing} ` +
        `rule too: customRule(f, { jvp, vjp }).`,
    );
  }

  /**
   * Runs a rule. A rule written with plain JS cannot be staged (the engine then runs it on
   * values) nor run on values of an outer differentiation (second order): refused, naming it.
   */
  #run<T>(rule: string, values: readonly Value[], body: () => T): T {
    try {
      return body();
    } catch (e) {
      if (!(e instanceof TracedValueError)) throw e;
      if (values.some((v) => v instanceof StagedTracer))
        throw new NotStageableError(`${this.name}'s ${rule} rule`);
      if (values.some((v) => v instanceof Tracer && v.trace instanceof LinearTrace)) throw e;
      throw new UnsupportedOperatorError(
        engineOf(values),
        `the ${rule} rule of ${this.name} on its traced values`,
        `The rule computes with plain JS (${e.message}); a rule that is differentiated again (second order, or ` +
          "tfjs's pushforward) must be written with @diffint/core/math. Wrap plain-JS code in " +
          'differentiateWith(f, backend) to have its derivatives computed by a backend.',
      );
    }
  }

  /** f's result, checked: a plain value (f of plain values returned a traced one: it encloses one). */
  #result(y: unknown, args: readonly Value[]): Plain {
    if (y instanceof Tracer) {
      throw new InvalidInputError(
        `${this.name}: f returned a traced value for plain arguments: it computes with a value being ` +
          'differentiated that is not one of its arguments (an enclosed variable), whose derivative the rules ' +
          'would miss. Pass that value as an argument.',
      );
    }
    if (!isPlain(y)) {
      throw new InvalidInputError(
        `${this.name}: f returned ${describeValue(y)} for arguments of shapes ` +
          `${args.map((a) => formatShape(shapeOf(a))).join(', ')}; it must return a number, a Float64Array or an NDArray.`,
      );
    }
    // f may return an array it keeps (a scratch buffer it overwrites on its next call).
    return freshCopy(y);
  }

  #remember(args: readonly Value[], shape: Shape): void {
    if (this.#shape !== undefined) return;
    if (this.#shapes.size >= rememberedShapes) this.#shapes.clear();
    this.#shapes.set(keyOf(args.map(shapeOf)), shape);
  }

  #checkInactive(flags: readonly boolean[], params: CustomCallParams): void {
    for (let i = params.active; i < flags.length; i++) {
      if (flags[i]) {
        throw new InvalidInputError(
          `${this.name}: context ${i - params.active + 1} (a constant()) depends on the input being ` +
            'differentiated, and a constant is never differentiated. Make it part of x.',
        );
      }
    }
  }
}

/**
 * Rules are never staged into a program: they may read state that changes between calls (an
 * enclosed array, a closure's variable), which a compiled program would keep from the call it
 * was staged in. The engine runs them on values instead, on every call.
 */
function liveRules(name: string, primals: readonly Value[]): void {
  for (const p of primals) {
    if (p instanceof StagedTracer) throw new NotStageableError(`the rules of ${name} run on every call`);
  }
}

function keyOf(shapes: readonly Shape[]): string {
  return shapes.map(formatShape).join(' ');
}

/** The engine of the innermost traced value among `values` (for messages). */
function engineOf(values: readonly Value[]): string {
  let top: Tracer | null = null;
  for (const v of values) if (v instanceof Tracer && (top === null || v.trace.id > top.trace.id)) top = v;
  return top?.trace.engine ?? 'plain';
}

function describeResults(v: unknown): string {
  return Array.isArray(v) ? `${v.length} values` : describeValue(v);
}

/** A value a rule returned, checked against the shape it must have. */
function checkRuleValue(
  name: string,
  rule: string,
  what: string,
  v: unknown,
  shape: Shape,
  of: string,
): asserts v is Value {
  if (!isValue(v)) {
    throw new InvalidInputError(
      `${name}: its ${rule} rule returned ${describeValue(v)} as ${what}; it must be a value ` +
        `(a number, a Float64Array, an NDArray or a traced value) shaped like ${of}, ${formatShape(shape)}.`,
    );
  }
  if (!sameShape(shapeOf(v), shape)) {
    throw new ShapeMismatchError(
      `${name}: its ${rule} rule returned ${what} of shape ${formatShape(shapeOf(v))}, but ${of} has shape ` +
        `${formatShape(shape)}; a rule's results have the shapes of the values they are derivatives of.`,
    );
  }
}

/** The JVP of a custom function: `[y, tangent of y]` for primals and one tangent per primal. */
export type JvpRule<A extends readonly Value[]> = (primals: A, tangents: A) => readonly [Value, Value];

/** The VJP of a custom function: one cotangent per primal (`null` for zero) for a cotangent of y. */
export type VjpRule<A extends readonly Value[]> = (primals: A, cotangent: Value) => readonly (Value | null)[];

/** The rules and options of `customRule`. At least one of `jvp` and `vjp`. */
export interface CustomRules<A extends readonly Value[]> {
  /**
   * `jvp(primals, tangents) → [y, tangent of y]`, linear in the tangents (a tangent is zeros where
   * a primal has none). Used by forward mode; reverse mode transposes it when there is no `vjp`.
   */
  readonly jvp?: JvpRule<A>;
  /**
   * `vjp(primals, cotangent) → [cotangent of each primal]` (`null` for zero). Used by reverse
   * mode; forward mode transposes it when there is no `jvp`.
   */
  readonly vjp?: VjpRule<A>;
  /** What error messages call the function (default: f's name). */
  readonly name?: string;
  /**
   * The output's shape, fixed or from the arguments' shapes. Without it, the shape is learned
   * from a plain call, or by calling f once more (on the primal values) the first time the
   * function is differentiated at new argument shapes.
   */
  readonly shape?: ShapeRule;
}

/**
 * f with derivative rules of its own, in the spirit of JAX's `custom_jvp` / `custom_vjp`: every
 * engine takes f's derivative from the rules (tape and forward through the `customCall` primitive
 * of the IR, tfjs through `tf.customGrad`), finite differences just call f, and sparsity
 * detection traces through f where it is portable math (else every output element depends on
 * every input element).
 *
 * - `f(...primals)` takes numbers, `Float64Array`s and `NDArray`s (no pytrees) and returns one:
 *   portable math, or any JS function of plain values. It receives fresh copies of its arguments
 *   and its result is copied, so it may use and return scratch arrays of its own. It must depend
 *   on its arguments only (an enclosed traced value is refused).
 * - `jvp(primals, tangents) → [y, tangentOfY]` and `vjp(primals, cotangent) → [cotangent of each
 *   primal]`. With only a `jvp`, reverse mode transposes it (it must then be linear portable math
 *   in the tangents); with only a `vjp`, forward mode transposes that. Second order works when
 *   the rules are written in portable math (a rule may call the wrapped function itself).
 * - A rule whose results have the wrong count or shapes is a `ShapeMismatchError` or
 *   `InvalidInputError` naming the function, the rule and the shapes.
 *
 * ```ts
 * // log(1 + eˣ) with a derivative that stays finite for large x
 * const softplus: (x: m.Value) => m.Value = customRule((x: m.Value) => m.log(m.add(1, m.exp(x))), {
 *   jvp: ([x], [t]) => [softplus(x), m.mul(t, m.sigmoid(x))],
 *   vjp: ([x], ct) => [m.mul(ct, m.sigmoid(x))],
 * });
 * ```
 */
export function customRule<A extends Value[]>(
  f: (...primals: A) => Value,
  rules: CustomRules<A>,
): (...primals: A) => Value {
  if (typeof f !== 'function') {
    throw new InvalidInputError(`customRule(f, rules): f is ${describeValue(f)}; it must be a function.`);
  }
  if (typeof rules !== 'object' || rules === null) {
    throw new InvalidInputError(
      `customRule(f, rules): rules is ${describeValue(rules)}; pass { jvp }, { vjp } or both.`,
    );
  }
  const name = `customRule '${rules.name ?? (f.name || 'anonymous')}'`;
  const { jvp, vjp } = rules;
  for (const [key, rule] of [
    ['jvp', jvp],
    ['vjp', vjp],
  ] as const) {
    if (rule !== undefined && typeof rule !== 'function') {
      throw new InvalidInputError(`${name}: rules.${key} is ${describeValue(rule)}; it must be a function.`);
    }
  }
  if (jvp === undefined && vjp === undefined) {
    throw new InvalidInputError(
      `${name}: state a jvp rule, a vjp rule or both: customRule(f, { jvp, vjp }).`,
    );
  }
  const call = new RuleCall(
    name,
    {
      f: (args) => f(...(args as A)),
      traceable: true,
      jvp:
        jvp &&
        ((primals, tangents, params) => {
          const r = jvp(primals as A, tangents as A) as unknown;
          if (!Array.isArray(r) || r.length !== 2) {
            throw new InvalidInputError(
              `${name}: its jvp rule returned ${describeResults(r)}; it must return [y, tangent of y].`,
            );
          }
          checkRuleValue(name, 'jvp', 'y (its first result)', r[0], params.shape, "f's output");
          return r[1] as Value;
        }),
      vjp: vjp && ((primals, ct) => vjp(primals as A, ct)),
    },
    rules.shape,
  );
  const noExtra: readonly unknown[] = [];
  return (...primals: A) => call.apply(primals, primals.length, noExtra);
}
