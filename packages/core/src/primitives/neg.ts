import { type NoParams, defineUnary } from './define.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    neg: NoParams;
  }
}

/** -x */
export const neg = defineUnary(
  'neg',
  (x) => -x,
  (_x, _y) => -1,
);
