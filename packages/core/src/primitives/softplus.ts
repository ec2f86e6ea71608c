import * as m from '../math/ops.js';
import { defineUnary } from '../registry/define.js';

/** log(1 + e^x), computed as log1p(e^-|x|) + max(x, 0): no overflow for large x, no loss for small. */
const softplus = (x: number) => Math.log1p(Math.exp(-Math.abs(x))) + Math.max(x, 0);

/**
 * The softplus log(1 + e^x) elementwise, computed stably as log1p(e^-|x|) + max(x, 0) (x for
 * large x, e^x for very negative x, never overflowing); derivative the sigmoid 1 / (1 + e^-x).
 */
export const primitive = defineUnary({ name: 'softplus', f: softplus, dydx: (x) => m.sigmoid(x) });
