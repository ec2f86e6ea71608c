import { defineUnary } from '../registry/define.js';

/**
 * x itself, treated as a constant by every differentiation: its derivative is 0 by definition
 * (JAX's `stop_gradient`). For a value that must not carry derivatives, such as the shift of a
 * stable `logsumexp`, which the result does not depend on. Finite differences see f as a function
 * of plain numbers, where this is the identity: use it only where the result does not depend on
 * the stopped value (as in `logsumexp`), or the finite-difference derivative differs from the AD
 * engines'.
 */
export const primitive = defineUnary({ name: 'stopGradient', f: (x) => x, dydx: null });
