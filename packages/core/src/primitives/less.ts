import { type NoParams, defineBinary } from './define.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    less: NoParams;
  }
}

/** 1 where a < b, else 0 (broadcasting); its derivative is zero. */
export const less = defineBinary('less', (x, y) => (x < y ? 1 : 0), null, null, null);
