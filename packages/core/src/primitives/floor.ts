import { defineUnary } from '../registry/define.js';

/**
 * The largest integer ≤ x elementwise. Piecewise constant: its derivative is 0 everywhere, at
 * the jumps too (its classification says so: no dependence on x).
 */
export const primitive = defineUnary({ name: 'floor', f: Math.floor, dydx: null });
