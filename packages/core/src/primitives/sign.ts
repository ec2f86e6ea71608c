import { type NoParams, defineUnary } from './define.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    sign: NoParams;
  }
}

/** sign(x): -1, 0 or 1; its derivative is zero. */
export const sign = defineUnary(
  'sign',
  (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : Number.NaN),
  null,
  null,
);
