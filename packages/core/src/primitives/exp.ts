import { type NoParams, defineUnary } from './define.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    exp: NoParams;
  }
}

/** e^x; its derivative is the output itself. */
export const exp = defineUnary('exp', Math.exp, (_x, y) => y);
