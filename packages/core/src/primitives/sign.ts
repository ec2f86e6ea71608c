import { defineUnary } from '../registry/define.js';

/** The sign of each element: -1, 0 or 1 (NaN for NaN); its derivative is zero. */
export const primitive = defineUnary({
  name: 'sign',
  f: (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : Number.NaN),
  dydx: null,
});
