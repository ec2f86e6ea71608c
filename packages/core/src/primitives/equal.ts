import { type NoParams, defineBinary } from './define.js';

declare module '../primitive.js' {
  interface PrimitiveParams {
    equal: NoParams;
  }
}

/** 1 where a === b, else 0 (broadcasting); its derivative is zero. */
export const equal = defineBinary('equal', (x, y) => (x === y ? 1 : 0), null, null, null);
