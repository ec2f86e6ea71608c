export { type ForwardEngine, type ForwardOptions, forward } from './forward.js';
