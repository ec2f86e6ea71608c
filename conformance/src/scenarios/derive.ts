/**
 * References of every operator from one analytic description of f at x (its value, Jacobian and,
 * for a scalar f, Hessian), in plain JS. A family states what f is and what its derivatives are
 * once; the scenarios for each operator it admits follow from that.
 */
import { NDArray, type Tree } from '@diffint/core';
import { flatData, likeTree } from '../tree.js';
import type { Capability, Expectation, Family, Operator, Outcome, Scenario } from '../types.js';

/** A dense matrix from its entries. */
export function matrix(rows: number, cols: number, entry: (i: number, j: number) => number): NDArray {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = entry(i, j);
  return new NDArray(data, [rows, cols]);
}

/** M·v. */
export function matvec(M: NDArray, v: ArrayLike<number>): Float64Array {
  const [rows, cols] = M.shape as [number, number];
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += M.data[i * cols + j]! * v[j]!;
    out[i] = s;
  }
  return out;
}

/** Mᵀ·v. */
export function vecmat(v: ArrayLike<number>, M: NDArray): Float64Array {
  const [rows, cols] = M.shape as [number, number];
  const out = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j]! += v[i]! * M.data[i * cols + j]!;
  return out;
}

/** Deterministic values in [-1, 1): seeds and test data without a random generator. */
export function wave(k: number): (i: number) => number {
  return (i) => Math.sin(1.7 * (i + 1) * k + 0.3 * k * k);
}

/** A seed shaped like `template`, its elements from `wave(k)`. */
export function seedLike(template: unknown, k: number): any {
  return likeTree(
    template,
    Float64Array.from(flatData(template), (_, i) => wave(k)(i)),
  );
}

/** The analytic description of one function at one x, from which `scenariosFrom` derives each operator's reference. */
export interface Analytic {
  /** The input. */
  readonly x: Tree;
  /** f(x) */
  readonly value: unknown;
  /** [output size, input size] over the flattened trees. */
  readonly jacobian: NDArray;
  /** For a scalar f: [input size, input size]. */
  readonly hessian?: NDArray;
  /** For a scalar x: f″(x), shaped like f's output. */
  readonly secondDerivative?: unknown;
}

/** The fields every scenario derived by `scenariosFrom` shares (all but id, operator, reference, seeds and x). */
export type ScenarioCommon = Omit<Scenario, 'id' | 'operator' | 'reference' | 'seeds' | 'x'> & {
  /** Names the scenario within its family; the id is family/name/operator. */
  readonly name: string;
  readonly family: Family;
};

/**
 * One scenario per operator in `ops`, each with the reference that follows from `a`.
 * `alternatives` gives, by capability, what an engine with a documented difference computes
 * instead (the same seeds are used): an explicit expectation, never a skip.
 */
export function scenariosFrom(
  common: ScenarioCommon,
  a: Analytic,
  ops: readonly Operator[],
  alternatives: { readonly [C in Capability]?: Analytic } = {},
): Scenario[] {
  return ops.map((operator) => {
    const expect: Record<string, Outcome> = { ...common.expect };
    for (const [c, alt] of Object.entries(alternatives) as [Capability, Analytic][]) {
      expect[c] = { reference: referenceFor(operator, alt).reference };
    }
    return {
      ...common,
      id: `${common.family}/${common.name}/${operator}`,
      operator,
      x: a.x,
      ...referenceFor(operator, a),
      ...(Object.keys(expect).length === 0 ? {} : { expect: expect as Expectation }),
    };
  });
}

function referenceFor(op: Operator, a: Analytic): Pick<Scenario, 'reference' | 'seeds'> {
  const J = a.jacobian;
  const column = (j: number) =>
    Float64Array.from({ length: J.shape[0]! }, (_, i) => J.data[i * J.shape[1]! + j]!);
  const row = (i: number) => J.data.slice(i * J.shape[1]!, (i + 1) * J.shape[1]!);
  const value = a.value;
  switch (op) {
    case 'derivative':
      return { reference: { value, result: likeTree(value, column(0)) } };
    case 'gradient':
      return { reference: { value, result: likeTree(a.x, row(0)) } };
    case 'jacobian':
      return { reference: { value, result: J } };
    case 'pushforward': {
      const seeds = [seedLike(a.x, 1), seedLike(a.x, 2)];
      return {
        seeds,
        reference: { value, result: seeds.map((t) => likeTree(value, matvec(J, flatData(t)))) },
      };
    }
    case 'pullback': {
      const seeds = [seedLike(value, 3), seedLike(value, 4)];
      return { seeds, reference: { value, result: seeds.map((c) => likeTree(a.x, vecmat(flatData(c), J))) } };
    }
    case 'hessian':
      return { reference: { value, gradient: likeTree(a.x, row(0)), result: need(a.hessian, op) } };
    case 'hvp': {
      const seeds = [seedLike(a.x, 5), seedLike(a.x, 6)];
      const H = need(a.hessian, op);
      return {
        seeds,
        reference: {
          value,
          gradient: likeTree(a.x, row(0)),
          result: seeds.map((t) => likeTree(a.x, matvec(H, flatData(t)))),
        },
      };
    }
    case 'secondDerivative':
      return {
        reference: { value, gradient: likeTree(value, column(0)), result: need(a.secondDerivative, op) },
      };
  }
}

function need<T>(v: T | undefined, op: Operator): T {
  if (v === undefined) throw new Error(`a ${op} scenario needs its analytic second derivative`);
  return v;
}
