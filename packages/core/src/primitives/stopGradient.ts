import { defineUnary } from '../registry/define.js';

/**
 * x itself, treated as a constant by every differentiation: its derivative is 0 by definition
 * (JAX's `stop_gradient`). For a value that must not carry derivatives, such as the shift of a
 * stable `logsumexp`, which the result does not depend on.
 */
export const primitive = defineUnary({ name: 'stopGradient', f: (x) => x, dydx: null });
