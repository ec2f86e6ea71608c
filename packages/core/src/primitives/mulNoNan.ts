import type { BinaryLoop } from '../kernels.js';
import { defineBinary } from '../registry/define.js';

/** a·b, except that a zero factor makes the product 0 whatever the other one (±∞, NaN) is. */
export function strongProduct(a: number, b: number): number {
  const p = a * b;
  // Only 0·±∞ and 0·NaN differ from IEEE; every other product keeps its sign and value.
  return !Number.isNaN(p) || (a !== 0 && b !== 0) ? p : 0;
}

const loop: BinaryLoop = (out, x, sx, y, sy) => {
  for (let i = 0; i < out.length; i++) out[i] = strongProduct(x[i * sx]!, y[i * sy]!);
};

/**
 * a · b elementwise (broadcasting), with a strong zero: 0 × ±∞ = 0 × NaN = 0. Derivative rules
 * multiply (co)tangents by partial derivatives with it, so a zero (co)tangent — an unselected
 * `where` branch, a zero seed — contributes exactly zero even through an infinite or NaN partial;
 * use it in your own rules.
 */
export const primitive = defineBinary({
  name: 'mulNoNan',
  f: strongProduct,
  loop,
  da: (_a, b) => b,
  db: (a) => a,
  linear: { a: true, b: true, bilinear: true },
});
