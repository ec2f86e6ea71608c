/**
 * What the programs beside this file compute once their TensorFlow.js imports have run, with the
 * built packages as an app gets them: a gradient and a Hessian with analytic values. Exits
 * non-zero on a wrong number.
 */
import { gradient, hessian } from '@diffint/core';
import * as m from '@diffint/core/math';
import { tfjs } from '@diffint/tfjs';

export function check(label) {
  // f = Σ xᵢ³: ∇f = 3xᵢ², H = diag(6xᵢ)
  const f = (x) => m.sum(m.mul(m.square(x), x));
  const g = gradient(f, tfjs(), Float64Array.of(1, 2));
  const H = hessian(f, tfjs(), Float64Array.of(1, 2));
  const got = [...g, ...H.data];
  const want = [3, 12, 6, 0, 0, 12];
  if (got.some((v, i) => Math.abs(v - want[i]) > 1e-5)) {
    console.error(`${label}: got ${got.join(', ')}, want ${want.join(', ')}`);
    process.exit(1);
  }
  console.log(`${label}: ok`);
}
