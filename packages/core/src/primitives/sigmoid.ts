import * as m from '../math/ops.js';
import { defineUnary } from '../registry/define.js';

/** 1 / (1 + e^-x), computed without overflow. */
const logistic = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));

/** The logistic sigmoid 1 / (1 + e^-x) elementwise, without overflow; derivative σ(1 - σ). */
export const primitive = defineUnary({
  name: 'sigmoid',
  f: logistic,
  dydx: (_x, y) => m.mul(y, m.sub(1, y)),
});
