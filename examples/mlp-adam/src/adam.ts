/** MLP parameters and Adam (Kingma & Ba), over the parameter struct leaf by leaf. */
import { NDArray } from '@diffint/core';

/** The parameters of an MLP: per layer a weight matrix [in, out] and a bias [out]. */
export type Params = { layers: { W: NDArray; b: Float64Array }[] };

/** Deterministic Glorot-uniform weights (a small LCG, so every run trains the same way). */
export function initParams(sizes: readonly number[], seed: number): Params {
  let s = seed;
  const random = () => {
    s = (s * 1664525 + 1013904223) % 2 ** 32;
    return s / 2 ** 32;
  };
  const layers = sizes.slice(1).map((out, i) => {
    const fanIn = sizes[i]!;
    const limit = Math.sqrt(6 / (fanIn + out));
    const W = new NDArray(
      Float64Array.from({ length: fanIn * out }, () => (2 * random() - 1) * limit),
      [fanIn, out],
    );
    return { W, b: new Float64Array(out) };
  });
  return { layers };
}

const leaves = (p: Params) => p.layers.flatMap((l) => [l.W.data, l.b]);

/** Adam with the usual constants; returns a step that updates `params` in place from a gradient. */
export function adam(params: Params, { learningRate = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8 } = {}) {
  const mom = leaves(params).map((a) => new Float64Array(a.length));
  const vel = leaves(params).map((a) => new Float64Array(a.length));
  let t = 0;
  return (grad: Params) => {
    t++;
    const correction1 = 1 - beta1 ** t;
    const correction2 = 1 - beta2 ** t;
    const ps = leaves(params);
    leaves(grad).forEach((g, k) => {
      const p = ps[k]!;
      const mk = mom[k]!;
      const vk = vel[k]!;
      for (let i = 0; i < g.length; i++) {
        mk[i] = beta1 * mk[i]! + (1 - beta1) * g[i]!;
        vk[i] = beta2 * vk[i]! + (1 - beta2) * g[i]! ** 2;
        p[i] = p[i]! - (learningRate * (mk[i]! / correction1)) / (Math.sqrt(vk[i]! / correction2) + eps);
      }
    });
  };
}
