/**
 * @diffint/finite-diff: finite differences behind diffint's interface. Forward, central and
 * backward schemes with the standard steps, optional Richardson extrapolation, float64.
 */
export { type FiniteDiffEngine, finiteDiff } from './finiteDiff.js';
export type { FiniteDiffOptions, Scheme } from './options.js';
