/**
 * How each operator of `@diffint/core` is called in all its forms: one-shot, `valueAnd…`,
 * prepared, and the prepared `…Into` variants. One entry per operator, nothing per scenario.
 */
import {
  type AnyBackend,
  type Context,
  SparseMatrix,
  prepareDerivative,
  prepareGradient,
  prepareHessian,
  prepareHvp,
  prepareJacobian,
  preparePullback,
  preparePushforward,
  prepareSecondDerivative,
} from '@diffint/core';
import * as core from '@diffint/core';
import type { Operator } from './types.js';

/** What a call produced, by the names of `Reference`; `out` is the target an `…Into` call was given. */
export interface Produced {
  readonly result: unknown;
  readonly value?: unknown;
  readonly gradient?: unknown;
  readonly out?: unknown;
  /** The sparsity pattern a sparse backend's preparation shows. */
  readonly pattern?: SparseMatrix;
}

/**
 * The `…Into` target for a preparation: the runner's dense one, or for a sparse preparation a
 * SparseMatrix of its pattern holding NaN (which the call must overwrite).
 */
function target(p: object, dense: unknown): unknown {
  if (!('pattern' in p) || !(p.pattern instanceof SparseMatrix)) return dense;
  const s = p.pattern;
  return new SparseMatrix(
    s.shape,
    s.rowPtr.slice(),
    s.colIdx.slice(),
    new Float64Array(s.nnz).fill(Number.NaN),
  );
}

/** The pattern a preparation shows, if it is sparse. */
const patternOf = (p: object): { pattern?: SparseMatrix } =>
  'pattern' in p && p.pattern instanceof SparseMatrix ? { pattern: p.pattern } : {};

export interface CallArgs {
  readonly f: any;
  readonly backend: AnyBackend;
  readonly x: any;
  readonly seeds: readonly any[];
  readonly contexts: readonly Context[];
}

interface Calls {
  readonly plain: () => Produced;
  readonly combined: () => Produced;
  readonly into?: (out: any) => Produced;
  readonly combinedInto?: (out: any) => Produced;
}

export interface Driver {
  /** Which tolerance applies to the result. */
  readonly order: 1 | 2;
  /** One result per seed. */
  readonly batch: boolean;
  /** Method names, for the report: plain, combined, into, combinedInto. */
  readonly names: readonly [string, string, string?, string?];
  readonly unprepared: (a: CallArgs) => Calls;
  readonly prepare: (a: CallArgs) => Calls;
}

const pair = ([value, result]: readonly [unknown, unknown], ...out: [unknown?]): Produced =>
  out.length === 0 ? { value, result } : { value, result, out: out[0] };

export const drivers: { readonly [O in Operator]: Driver } = {
  derivative: {
    order: 1,
    batch: false,
    names: ['derivative', 'valueAndDerivative', 'derivativeInto', 'valueAndDerivativeInto'],
    unprepared: ({ f, backend, x, contexts }) => ({
      plain: () => ({ result: core.derivative(f, backend, x, ...contexts) }),
      combined: () => pair(core.valueAndDerivative(f, backend, x, ...contexts)),
    }),
    prepare: ({ f, backend, x, contexts }) => {
      const p = prepareDerivative(f, backend, x, ...contexts);
      return {
        plain: () => ({ result: p.derivative(x, ...contexts) }),
        combined: () => pair(p.valueAndDerivative(x, ...contexts)),
        into: (out) => ({ result: p.derivativeInto(out, x, ...contexts), out }),
        combinedInto: (out) => pair(p.valueAndDerivativeInto(out, x, ...contexts), out),
      };
    },
  },
  gradient: {
    order: 1,
    batch: false,
    names: ['gradient', 'valueAndGradient', 'gradientInto', 'valueAndGradientInto'],
    unprepared: ({ f, backend, x, contexts }) => ({
      plain: () => ({ result: core.gradient(f, backend, x, ...contexts) }),
      combined: () => pair(core.valueAndGradient(f, backend, x, ...contexts)),
    }),
    prepare: ({ f, backend, x, contexts }) => {
      const p = prepareGradient(f, backend, x, ...contexts);
      return {
        plain: () => ({ result: p.gradient(x, ...contexts) }),
        combined: () => pair(p.valueAndGradient(x, ...contexts)),
        into: (out) => ({ result: p.gradientInto(out, x, ...contexts), out }),
        combinedInto: (out) => pair(p.valueAndGradientInto(out, x, ...contexts), out),
      };
    },
  },
  jacobian: {
    order: 1,
    batch: false,
    names: ['jacobian', 'valueAndJacobian', 'jacobianInto', 'valueAndJacobianInto'],
    unprepared: ({ f, backend, x, contexts }) => ({
      plain: () => ({ result: core.jacobian(f, backend, x, ...contexts) }),
      combined: () => pair(core.valueAndJacobian(f, backend, x, ...contexts)),
    }),
    prepare: ({ f, backend, x, contexts }) => {
      const p = prepareJacobian(f, backend, x, ...contexts);
      return {
        plain: () => ({ result: p.jacobian(x, ...contexts), ...patternOf(p) }),
        combined: () => pair(p.valueAndJacobian(x, ...contexts)),
        into: (dense) => {
          const out = target(p, dense) as never;
          return { result: p.jacobianInto(out, x, ...contexts), out };
        },
        combinedInto: (dense) => {
          const out = target(p, dense) as never;
          return pair(p.valueAndJacobianInto(out, x, ...contexts), out);
        },
      };
    },
  },
  pushforward: {
    order: 1,
    batch: true,
    names: ['pushforward', 'valueAndPushforward', 'pushforwardInto', 'valueAndPushforwardInto'],
    unprepared: ({ f, backend, x, seeds, contexts }) => ({
      plain: () => ({ result: core.pushforward(f, backend, x, seeds, ...contexts) }),
      combined: () => pair(core.valueAndPushforward(f, backend, x, seeds, ...contexts)),
    }),
    prepare: ({ f, backend, x, seeds, contexts }) => {
      const p = preparePushforward(f, backend, x, seeds, ...contexts);
      return {
        plain: () => ({ result: p.pushforward(x, seeds, ...contexts) }),
        combined: () => pair(p.valueAndPushforward(x, seeds, ...contexts)),
        into: (out) => ({ result: p.pushforwardInto(out, x, seeds, ...contexts), out }),
        combinedInto: (out) => pair(p.valueAndPushforwardInto(out, x, seeds, ...contexts), out),
      };
    },
  },
  pullback: {
    order: 1,
    batch: true,
    names: ['pullback', 'valueAndPullback', 'pullbackInto', 'valueAndPullbackInto'],
    unprepared: ({ f, backend, x, seeds, contexts }) => ({
      plain: () => ({ result: core.pullback(f, backend, x, seeds, ...contexts) }),
      combined: () => pair(core.valueAndPullback(f, backend, x, seeds, ...contexts)),
    }),
    prepare: ({ f, backend, x, seeds, contexts }) => {
      const p = preparePullback(f, backend, x, seeds, ...contexts);
      return {
        plain: () => ({ result: p.pullback(x, seeds, ...contexts) }),
        combined: () => pair(p.valueAndPullback(x, seeds, ...contexts)),
        into: (out) => ({ result: p.pullbackInto(out, x, seeds, ...contexts), out }),
        combinedInto: (out) => pair(p.valueAndPullbackInto(out, x, seeds, ...contexts), out),
      };
    },
  },
  hessian: {
    order: 2,
    batch: false,
    names: ['hessian', 'valueGradientAndHessian', 'hessianInto'],
    unprepared: ({ f, backend, x, contexts }) => ({
      plain: () => ({ result: core.hessian(f, backend, x, ...contexts) }),
      combined: () => {
        const [value, gradient, result] = core.valueGradientAndHessian(f, backend, x, ...contexts);
        return { value, gradient, result };
      },
    }),
    prepare: ({ f, backend, x, contexts }) => {
      const p = prepareHessian(f, backend, x, ...contexts);
      return {
        plain: () => ({ result: p.hessian(x, ...contexts), ...patternOf(p) }),
        combined: () => {
          const [value, gradient, result] = p.valueGradientAndHessian(x, ...contexts);
          return { value, gradient, result };
        },
        into: (dense) => {
          const out = target(p, dense) as never;
          return { result: p.hessianInto(out, x, ...contexts), out };
        },
      };
    },
  },
  hvp: {
    order: 2,
    batch: true,
    names: ['hvp', 'gradientAndHvp', 'hvpInto'],
    unprepared: ({ f, backend, x, seeds, contexts }) => ({
      plain: () => ({ result: core.hvp(f, backend, x, seeds, ...contexts) }),
      combined: () => {
        const [gradient, result] = core.gradientAndHvp(f, backend, x, seeds, ...contexts);
        return { gradient, result };
      },
    }),
    prepare: ({ f, backend, x, seeds, contexts }) => {
      const p = prepareHvp(f, backend, x, seeds, ...contexts);
      return {
        plain: () => ({ result: p.hvp(x, seeds, ...contexts) }),
        combined: () => {
          const [gradient, result] = p.gradientAndHvp(x, seeds, ...contexts);
          return { gradient, result };
        },
        into: (out) => ({ result: p.hvpInto(out, x, seeds, ...contexts), out }),
      };
    },
  },
  secondDerivative: {
    order: 2,
    batch: false,
    names: ['secondDerivative', 'valueDerivativeAndSecondDerivative', 'secondDerivativeInto'],
    unprepared: ({ f, backend, x, contexts }) => ({
      plain: () => ({ result: core.secondDerivative(f, backend, x, ...contexts) }),
      combined: () => {
        const [value, gradient, result] = core.valueDerivativeAndSecondDerivative(f, backend, x, ...contexts);
        return { value, gradient, result };
      },
    }),
    prepare: ({ f, backend, x, contexts }) => {
      const p = prepareSecondDerivative(f, backend, x, ...contexts);
      return {
        plain: () => ({ result: p.secondDerivative(x, ...contexts) }),
        combined: () => {
          const [value, gradient, result] = p.valueDerivativeAndSecondDerivative(x, ...contexts);
          return { value, gradient, result };
        },
        into: (out) => ({ result: p.secondDerivativeInto(out, x, ...contexts), out }),
      };
    },
  },
};

export interface Variant {
  readonly name: string;
  readonly run: () => Produced;
}

/**
 * Every form of the operator for one set of arguments: one-shot, `valueAnd…`, prepared (the
 * preparation shared, and called twice), and the `…Into` forms where the result can be written
 * in place (not a bare number). `target()` gives a fresh `…Into` target for each call.
 */
export function variantsOf(d: Driver, a: CallArgs, writable: boolean, target: () => unknown): Variant[] {
  const [plain, combined, into, combinedInto] = d.names;
  let prepared: Calls | undefined;
  const prep = () => (prepared ??= d.prepare(a));
  const variants: Variant[] = [
    { name: plain, run: () => d.unprepared(a).plain() },
    { name: combined, run: () => d.unprepared(a).combined() },
    { name: `prepared.${plain}`, run: () => prep().plain() },
    { name: `prepared.${plain} (second call)`, run: () => prep().plain() },
    { name: `prepared.${combined}`, run: () => prep().combined() },
  ];
  if (writable && into) variants.push({ name: `prepared.${into}`, run: () => prep().into!(target()) });
  if (writable && combinedInto) {
    variants.push({ name: `prepared.${combinedInto}`, run: () => prep().combinedInto!(target()) });
  }
  return variants;
}
