import * as m from '../math/ops.js';
import { type NoParams, defineUnary } from './define.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    sigmoid: NoParams;
  }
}

/** Logistic sigmoid 1 / (1 + e^-x), computed without overflow; derivative σ(1 - σ). */
export const sigmoid = defineUnary(
  'sigmoid',
  (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  (_x, y) => m.mul(y, m.sub(1, y)),
);
