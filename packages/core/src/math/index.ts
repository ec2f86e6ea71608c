/**
 * `@diffint/core/math`: the portable math that differentiable code is written with. Every op
 * works on plain values (number, Float64Array, NDArray) and on the traced values of any engine.
 */
export * from './ops.js';
export { NDArray } from '../values.js';
export type { Plain, Shape } from '../values.js';
