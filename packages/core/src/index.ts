/**
 * @diffint/core: one interface over many automatic-differentiation engines.
 *
 * Operators take `f`, a backend and `x` (a number, Float64Array, NDArray or a pytree of them),
 * then contexts (`constant`, `cache`). Write f with `@diffint/core/math`.
 */
export { NDArray } from './values.js';
export { SparseMatrix } from './sparse-matrix.js';
export type { Plain, Shape } from './values.js';
export { type Value, Tracer } from './trace.js';
export type { Flat, LeafKind, Tree, TreeDef } from './pytree.js';
export { flatten, unflatten, sameStructure } from './pytree.js';
export { Buffer, buffer } from './buffer.js';
export {
  type Cache,
  type CacheTemplate,
  type Constant,
  type Context,
  type ContextValue,
  type ContextValues,
  cache,
  constant,
} from './context.js';
export type { AnyBackend, Backend, Engine, MatrixBackend, MatrixPlan, Probe, SecondOrder } from './engine.js';
export type { MatrixOf, SparsityInfo } from './operators/matrix.js';
export {
  DiffError,
  ErrorCode,
  InvalidInputError,
  NestingError,
  NonScalarOutputError,
  PreparationMismatchError,
  ShapeMismatchError,
  StructureMismatchError,
  TraceEscapedError,
  TracedValueError,
  UnsupportedOperatorError,
  isDiffError,
  type TracedUse,
  type ArgumentCheck,
} from './errors.js';
export { type InPlace, inPlace } from './operators/prepare.js';
export { type ReplayOptions, replay } from './replay/index.js';
export type {
  AnyFn,
  Fn,
  InputLike,
  Out,
  OutputOf,
  Result,
  Traced,
  ValidTree,
  Widen,
} from './operators/types.js';
export { secondOrder } from './operators/secondOrder.js';
export {
  type CustomRules,
  type JvpRule,
  type ShapeRule,
  type VjpRule,
  customRule,
} from './custom.js';
export { type DifferentiateWithOptions, differentiateWith } from './differentiateWith.js';
export * from './operators/derivative.js';
export * from './operators/gradient.js';
export * from './operators/jacobian.js';
export * from './operators/pushforward.js';
export * from './operators/pullback.js';
export * from './operators/hessian.js';
export * from './operators/hvp.js';
export * from './operators/secondDerivative.js';
