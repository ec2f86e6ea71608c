import { defineUnary } from '../registry/define.js';

/** The nearest integer, halves to the even one (as NumPy and TensorFlow.js round). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * The nearest integer elementwise, a half to the even neighbour (`round(2.5)` is 2,
 * `round(-0.5)` is -0), as NumPy and TensorFlow.js round. Piecewise constant: its derivative is 0
 * everywhere, at the jumps too (its classification says so).
 */
export const primitive = defineUnary({ name: 'round', f: roundHalfEven, dydx: null });
