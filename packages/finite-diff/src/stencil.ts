import type { Scheme } from './options.js';

/**
 * A difference formula in units of the step h:
 * h · f'(x)·t ≈ center · f(x) + Σⱼ weights[j] · f(x + offsets[j] · h · t).
 */
export interface Stencil {
  readonly offsets: readonly number[];
  readonly weights: readonly number[];
  readonly center: number;
  /** The truncation error is O(h^order). */
  readonly order: number;
}

type Formula = Map<number, number>;

const basic: Record<Scheme, readonly (readonly [number, number])[]> = {
  central: [
    [1, 0.5],
    [-1, -0.5],
  ],
  forward: [
    [0, -1],
    [1, 1],
  ],
  backward: [
    [0, 1],
    [-1, -1],
  ],
};

function addTerm(formula: Formula, offset: number, weight: number): void {
  formula.set(offset, (formula.get(offset) ?? 0) + weight);
}

function combine(a: Formula, wa: number, b: Formula, wb: number): Formula {
  const out: Formula = new Map();
  for (const [o, w] of a) addTerm(out, o, wa * w);
  for (const [o, w] of b) addTerm(out, o, wb * w);
  return out;
}

/**
 * The scheme's formula after `levels` steps of Richardson extrapolation over the steps
 * h, h/2, …, h/2^levels. Central differences have an error expansion in even powers of h, one-sided
 * ones in every power, so each level removes the next term of that expansion.
 */
export function stencil(scheme: Scheme, levels: number): Stencil {
  const power = scheme === 'central' ? 2 : 1;
  // table[k]: the basic formula at step h/2^k, rescaled to units of h.
  let table: Formula[] = [];
  for (let k = 0; k <= levels; k++) {
    const f: Formula = new Map();
    for (const [o, w] of basic[scheme]) addTerm(f, o / 2 ** k, w * 2 ** k);
    table.push(f);
  }
  for (let j = 1; j <= levels; j++) {
    const r = 2 ** (power * j);
    table = table.slice(1).map((finer, k) => combine(finer, r / (r - 1), table[k]!, -1 / (r - 1)));
  }
  const offsets: number[] = [];
  const weights: number[] = [];
  let center = 0;
  for (const [o, w] of table[0]!) {
    if (o === 0) center = w;
    else if (w !== 0) {
      offsets.push(o);
      weights.push(w);
    }
  }
  return { offsets, weights, center, order: power * (levels + 1) };
}
