/**
 * What the compiler knows of each primitive, keyed by name and kept apart from the primitive
 * files: an elementwise primitive's JavaScript expression (it must compute bit for bit what the
 * float64 kernel computes; a test checks each on special values), and the structural ones the
 * compiler turns into index arithmetic (views, padding, broadcasting) or reductions. A primitive
 * without an entry is run by its kernel — always correct, never fused.
 */
import type { PrimitiveName } from '../primitive.js';

/** A JS expression of the arguments' expressions (each a plain identifier or literal). */
export type Lowering = (a: string, b: string, c: string) => string;

/** Elementwise primitives: the expression of one output element. */
export const elementwise: { readonly [N in PrimitiveName]?: Lowering } = {
  add: (a, b) => `${a} + ${b}`,
  sub: (a, b) => `${a} - ${b}`,
  mul: (a, b) => `${a} * ${b}`,
  mulNoNan: (a, b) => `(${a} * ${b} !== ${a} * ${b} && (${a} === 0 || ${b} === 0) ? 0 : ${a} * ${b})`,
  div: (a, b) => `${a} / ${b}`,
  pow: (a, b) => `Math.pow(${a}, ${b})`,
  maximum: (a, b) => `(${a} >= ${b} || ${a} !== ${a} ? ${a} : ${b})`,
  minimum: (a, b) => `(${a} <= ${b} || ${a} !== ${a} ? ${a} : ${b})`,
  greater: (a, b) => `(${a} > ${b} ? 1 : 0)`,
  less: (a, b) => `(${a} < ${b} ? 1 : 0)`,
  greaterEqual: (a, b) => `(${a} >= ${b} ? 1 : 0)`,
  lessEqual: (a, b) => `(${a} <= ${b} ? 1 : 0)`,
  equal: (a, b) => `(${a} === ${b} ? 1 : 0)`,
  where: (c, a, b) => `(${c} !== 0 ? ${a} : ${b})`,
  neg: (a) => `-${a}`,
  square: (a) => `${a} * ${a}`,
  sqrt: (a) => `Math.sqrt(${a})`,
  exp: (a) => `Math.exp(${a})`,
  log: (a) => `Math.log(${a})`,
  sin: (a) => `Math.sin(${a})`,
  cos: (a) => `Math.cos(${a})`,
  tan: (a) => `Math.tan(${a})`,
  tanh: (a) => `Math.tanh(${a})`,
  abs: (a) => `Math.abs(${a})`,
  sign: (a) => `(${a} > 0 ? 1 : ${a} < 0 ? -1 : ${a} === 0 ? 0 : NaN)`,
  sigmoid: (a) => `(${a} >= 0 ? 1 / (1 + Math.exp(-${a})) : Math.exp(${a}) / (1 + Math.exp(${a})))`,
  atan: (a) => `Math.atan(${a})`,
  asin: (a) => `Math.asin(${a})`,
  acos: (a) => `Math.acos(${a})`,
  sinh: (a) => `Math.sinh(${a})`,
  cosh: (a) => `Math.cosh(${a})`,
  asinh: (a) => `Math.asinh(${a})`,
  acosh: (a) => `Math.acosh(${a})`,
  atanh: (a) => `Math.atanh(${a})`,
  log1p: (a) => `Math.log1p(${a})`,
  expm1: (a) => `Math.expm1(${a})`,
  log2: (a) => `Math.log2(${a})`,
  log10: (a) => `Math.log10(${a})`,
  softplus: (a) => `(Math.log1p(Math.exp(-Math.abs(${a}))) + Math.max(${a}, 0))`,
  floor: (a) => `Math.floor(${a})`,
  ceil: (a) => `Math.ceil(${a})`,
  trunc: (a) => `Math.trunc(${a})`,
  round: (a) =>
    `(Math.round(${a}) - ${a} === 0.5 && Math.round(${a}) % 2 !== 0 ? Math.round(${a}) - 1 : Math.round(${a}))`,
  stopGradient: (a) => `${a}`,
  atan2: (a, b) => `Math.atan2(${a}, ${b})`,
};

/**
 * Primitives the compiler reads through index arithmetic instead of running a kernel: a
 * reshape is the same elements, a slice an offset, a pad a guarded offset, a broadcast a
 * repeated index; `sum` over everything is a running total in the loop that makes its argument.
 */
export const structural: ReadonlySet<PrimitiveName> = new Set<PrimitiveName>([
  'reshape',
  'slice',
  'pad',
  'broadcastTo',
  'sum',
]);

/**
 * Primitives run by their float64 kernel by design: products and data movement that a loop of
 * elements would not speed up, and a custom call (f runs as it is, on plain values).
 */
export const kernelOnly: ReadonlySet<PrimitiveName> = new Set<PrimitiveName>([
  'customCall',
  'matmul',
  'matmulNoNan',
  'transpose',
  'concat',
  'take',
  'scatterAdd',
  // A series or a continued fraction per element: a function call, not an expression.
  'erf',
  'max',
  'cumsum',
]);

/** Cheap to recompute inside a fused loop rather than store (the backward program recomputes these). */
export function isCheap(name: PrimitiveName): boolean {
  return (elementwise[name] !== undefined || (structural.has(name) && name !== 'sum')) && name !== 'pow';
}
