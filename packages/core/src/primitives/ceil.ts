import { defineUnary } from '../registry/define.js';

/**
 * The smallest integer ≥ x elementwise. Piecewise constant: its derivative is 0 everywhere, at
 * the jumps too (its classification says so: no dependence on x).
 */
export const primitive = defineUnary({ name: 'ceil', f: Math.ceil, dydx: null });
