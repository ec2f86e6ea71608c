import * as m from '../math/ops.js';
import { type NoParams, defineUnary } from './define.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    sigmoid: NoParams;
  }
}

/** Logistic sigmoid 1 / (1 + e^-x), computed without overflow; derivative σ(1 - σ). */
const logistic = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

export const sigmoid = defineUnary(
  'sigmoid',
  logistic,
  (_x, y) => m.mul(y, m.sub(1, y)),
  (a, _b, out) => {
    const y = logistic(a);
    out[0] = y;
    out[1] = y * (1 - y);
  },
);
