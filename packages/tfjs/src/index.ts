/**
 * @diffint/tfjs: TensorFlow.js's automatic differentiation behind diffint's interface.
 * TensorFlow.js is a peer dependency; the engine runs on whatever backend it has set.
 */
export { type TfjsEngine, type TfjsOptions, tfjs } from './tfjs.js';
