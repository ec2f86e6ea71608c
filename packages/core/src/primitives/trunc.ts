import { defineUnary } from '../registry/define.js';

/**
 * x with its fractional part removed (rounded toward 0) elementwise. Piecewise constant: its
 * derivative is 0 everywhere, at the jumps too (its classification says so).
 */
export const primitive = defineUnary({ name: 'trunc', f: Math.trunc, dydx: null });
