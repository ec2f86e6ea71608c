/**
 * `@diffint/core/engine`: what an engine implements, and the machinery engines share (traces,
 * tracers, `bind`, the primitive table). Engine authors import from here; users do not need to.
 *
 * An engine works on flat lists of leaves: core flattens pytrees, hands f its contexts, journals
 * buffers between evaluations and converts results. An engine implements at least one of
 * `pushforward` and `pullback`; core derives every other operator from what it declares.
 */
import type { SparseMatrix } from './sparse-matrix.js';
import type { Value } from './trace.js';

/**
 * f over the leaves of x, returning the leaves of its output. It may be called several times
 * (each call starts from the buffer state the operator began with); the first call must be at
 * the point being differentiated, which is the state the buffers keep afterwards.
 */
export type LeafFn = (xs: readonly Value[]) => readonly Value[];

/** The output leaves of f at x, and one result (a list of leaves) per seed of the batch. */
export interface BatchResult {
  readonly ys: readonly Value[];
  readonly results: readonly (readonly Value[])[];
}

/**
 * Which results of a pushforward the caller reads, per output leaf of f (absent: all): its value
 * (`ys[j]`) and its tangents (`results[k][j]`). An unread one may be returned as zeros.
 */
export interface ReadResults {
  readonly ys: readonly boolean[];
  readonly tangents: readonly boolean[];
}

/** Opaque per-preparation key: an engine may keep its work arrays in a `WeakMap` under it. */
export type PrepKey = object;

/**
 * An automatic-differentiation engine as core sees it: at least `pushforward` or `pullback`, and
 * whatever else it computes natively (core derives the rest). `tape()`, `forward()`, `finiteDiff()`
 * and `tfjs()` return one; a third-party engine implements this interface from `@diffint/core/engine`.
 */
export interface Engine {
  readonly kind: 'engine';
  /** Short name used in the conformance matrix and error messages: 'tape', 'tfjs', … */
  readonly name: string;
  /** The float type the engine computes in; conformance tolerances follow it. */
  readonly precision: 'float64' | 'float32';
  /** How Jacobians are best built: column by column ('forward') or row by row ('reverse'). */
  readonly mode: 'forward' | 'reverse';
  /**
   * True when the engine computes f as an IR program transformed and compiled in float64 (tape,
   * forward): core may then replay a function marked with `replay(f)` in its place.
   */
  readonly replayable?: boolean;
  /** Tangents per pushforward pass when core builds a Jacobian column by column (default 1). */
  readonly batchSize?: number;
  /**
   * J·t for each tangent t (each a list of leaves shaped like xs). `read`, when given, says which
   * results the caller reads; an engine may skip computing the others and give zeros in their place.
   */
  pushforward?(
    f: LeafFn,
    xs: readonly Value[],
    tangents: readonly (readonly Value[])[],
    key: PrepKey,
    read?: ReadResults,
  ): BatchResult;
  /**
   * Jᵀ·c for each cotangent c; the cotangents are computed from the outputs (so a Jacobian can
   * ask for one per output element once it knows how many there are).
   */
  pullback?(
    f: LeafFn,
    xs: readonly Value[],
    cotangents: (ys: readonly Value[]) => readonly (readonly Value[])[],
    key: PrepKey,
  ): BatchResult;
  /** A native Jacobian [output size, input size] over the flattened leaves, where the engine has a better one. */
  jacobian?(
    f: LeafFn,
    xs: readonly Value[],
    key: PrepKey,
  ): { readonly ys: readonly Value[]; readonly jacobian: Value };
  /** A native Hessian-vector product, used when this engine is asked for second order on its own. */
  hvp?(
    f: LeafFn,
    xs: readonly Value[],
    tangents: readonly (readonly Value[])[],
    key: PrepKey,
  ): {
    readonly y: Value;
    readonly gradient: readonly Value[];
    readonly results: readonly (readonly Value[])[];
  };
}

/** Two engines combined for second order: `outer` differentiates what `inner` computes. */
export interface SecondOrder {
  readonly kind: 'second-order';
  readonly name: string;
  readonly outer: Engine;
  readonly inner: Engine;
}

/**
 * Runs `body` with f over leaves, inside a journal that leaves every buffer as it was before:
 * what a backend uses to look at f (sparsity detection) without changing enclosed state.
 */
export type Probe = <R>(body: (f: LeafFn) => R) => R;

/** What a matrix backend keeps per preparation: the structure of the result and how it is computed. */
export interface MatrixPlan {
  /** The sparsity pattern: a `SparseMatrix` with the value 1 at every structural nonzero. */
  readonly pattern: SparseMatrix;
  /** The color of each column (or row, for a row coloring) of the pattern. */
  readonly colors: Int32Array;
  /** The number of colors: compressed evaluations per call. */
  readonly ncolors: number;
  /**
   * Computes the matrix at xs (called inside the operator's journal, like an engine's operators).
   * For a Hessian, `ys` is the scalar value of f and `gradient` its gradient.
   */
  evaluate(
    f: LeafFn,
    xs: readonly Value[],
    key: PrepKey,
  ): { readonly ys: readonly Value[]; readonly gradient?: readonly Value[]; readonly matrix: SparseMatrix };
}

/**
 * A backend that builds Jacobians and Hessians its own way and returns them as a `SparseMatrix`
 * (`sparse(inner)` of `@diffint/sparse`). Core hands `jacobian` and `hessian` to it; every other
 * operator runs on `inner`.
 */
export interface MatrixBackend {
  readonly kind: 'matrix';
  readonly name: string;
  /** The backend every other operator uses, and the one the plan evaluates with. */
  readonly inner: Engine | SecondOrder;
  /** Called once per preparation, with the leaves of x, before any evaluation. */
  plan(operator: 'jacobian' | 'hessian', probe: Probe, xs: readonly Value[]): MatrixPlan;
}

/** What every operator takes: an engine, or a `secondOrder(outer, inner)` pair for second order. */
export type Backend = Engine | SecondOrder;

/** Every backend `jacobian` and `hessian` accept: a dense one, or a matrix backend. */
export type AnyBackend = Backend | MatrixBackend;

export { Trace, Tracer, bind, withTrace, primalValue, shapeOf, isTracer } from './trace.js';
export type { Value } from './trace.js';
export type {
  Primitive,
  PrimitiveName,
  PrimitiveParams,
  PrimitiveDef,
  Classification,
  Dependence,
  ParamsOf,
  ScalarEval,
  ScalarRule,
  Tangent,
  AnyPrimitive,
} from './primitive.js';
export { primitives } from './primitives/index.js';
export type { NoParams } from './registry/define.js';
export type { Padding } from './primitives/pad.js';
export type { Range } from './primitives/slice.js';
export type { CumAxis } from './primitives/cumsum.js';
export type { CustomCall, CustomCallParams } from './primitives/customCall.js';
export type { Axis } from './primitives/sum.js';
export type { Rows } from './primitives/take.js';
export { NestingError, UnsupportedOperatorError } from './errors.js';
export { handOver } from './ownership.js';
export { SparseMatrix } from './sparse-matrix.js';
export {
  gradientValues,
  hvpValues,
  pullbackValues,
  pushforwardValues,
  totalSize,
} from './operators/derived.js';
export type { Buffer } from './buffer.js';
export * as ir from './ir/index.js';
export { type Plain, plainData, plainShape, fromData, sizeOf, sameShape } from './values.js';
