import * as m from '../math/ops.js';
import { defineUnary } from '../registry/define.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const ONE_OVER_SQRT_PI = 1 / Math.sqrt(Math.PI);

/**
 * The error function to a few ulps. Below |x| = 2.5 by the series
 * erf x = 2/√π · e^(-x²) · Σₙ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)), whose terms are all of one sign (no
 * cancellation); above, as 1 - erfc x with erfc x = e^(-x²)/√π · 1/(x + ½/(x + 1/(x + 3/2/(x + …))))
 * (the continued fraction, evaluated from its tail); from 6 on, erf x rounds to 1.
 */
export function erfKernel(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax < 2.5) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 0; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 3);
      sum += term;
      if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  }
  if (ax >= 6) return x > 0 ? 1 : -1;
  let tail = ax;
  for (let k = 60; k >= 1; k--) tail = ax + k / 2 / tail;
  const erfc = (ONE_OVER_SQRT_PI * Math.exp(-ax * ax)) / tail;
  return x > 0 ? 1 - erfc : erfc - 1;
}

/**
 * The error function erf x = 2/√π ∫₀ˣ e^(-t²) dt elementwise (a kernel of its own, accurate to a
 * few ulps); derivative 2/√π · e^(-x²).
 */
export const primitive = defineUnary({
  name: 'erf',
  f: erfKernel,
  dydx: (x) => m.mul(TWO_OVER_SQRT_PI, m.exp(m.neg(m.square(x)))),
});
