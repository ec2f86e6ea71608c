export { type TapeEngine, type TapeOptions, tape } from './tape.js';
