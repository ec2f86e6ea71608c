import type { Context } from '../context.js';
import type { Backend } from '../engine.js';
import type { Tree } from '../pytree.js';
import type { Value } from '../trace.js';
import { gradientValues } from './derived.js';
import { Preparation, resultTree, writeInto } from './prepare.js';
import { type Fn, firstOrder, scalarResult } from './types.js';

export interface PreparedGradient<X extends Tree, Cs extends readonly Context[]> {
  gradient(x: X, ...contexts: Cs): X;
  valueAndGradient(x: X, ...contexts: Cs): [number, X];
  /** Writes the gradient into `out` (same structure as x) and returns it. */
  gradientInto(out: X, x: X, ...contexts: Cs): X;
  valueAndGradientInto(out: X, x: X, ...contexts: Cs): [number, X];
}

/** Prepares ∇f at inputs like x: f must return a scalar; the gradient has the structure of x. */
export function prepareGradient<X extends Tree, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: Backend,
  x: X,
  ...contexts: Cs
): PreparedGradient<X, Cs> {
  const prep = new Preparation('gradient', f, backend, x, contexts);
  const engine = firstOrder(backend);
  const compute = (x: X, contexts: Cs) => {
    const xs = prep.check(x, contexts);
    return prep.run(contexts, (fn) => gradientValues(engine, fn, xs, prep.key));
  };
  return {
    gradient: (x, ...c) => resultTree(prep.xDef, compute(x, c).gradient),
    valueAndGradient: (x, ...c) => {
      const r = compute(x, c);
      return [scalarResult(r.y), resultTree(prep.xDef, r.gradient)];
    },
    gradientInto: (out, x, ...c) => {
      writeInto(out, prep.xDef, compute(x, c).gradient);
      return out;
    },
    valueAndGradientInto: (out, x, ...c) => {
      const r = compute(x, c);
      writeInto(out, prep.xDef, r.gradient);
      return [scalarResult(r.y), out];
    },
  };
}

/** ∇f(x): f returns a scalar; the result has the structure (and TypeScript type) of x. */
export function gradient<X extends Tree, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: Backend,
  x: X,
  ...contexts: Cs
): X {
  return prepareGradient(f, backend, x, ...contexts).gradient(x, ...contexts);
}

/** [f(x), ∇f(x)]. */
export function valueAndGradient<X extends Tree, Cs extends readonly Context[]>(
  f: Fn<X, Cs, Value>,
  backend: Backend,
  x: X,
  ...contexts: Cs
): [number, X] {
  return prepareGradient(f, backend, x, ...contexts).valueAndGradient(x, ...contexts);
}

/** Writes ∇f(x) into `out` (same structure as x) and returns it. */
export function gradientInto<X extends Tree, Cs extends readonly Context[]>(
  out: X,
  f: Fn<X, Cs, Value>,
  backend: Backend,
  x: X,
  ...contexts: Cs
): X {
  return prepareGradient(f, backend, x, ...contexts).gradientInto(out, x, ...contexts);
}

export function valueAndGradientInto<X extends Tree, Cs extends readonly Context[]>(
  out: X,
  f: Fn<X, Cs, Value>,
  backend: Backend,
  x: X,
  ...contexts: Cs
): [number, X] {
  return prepareGradient(f, backend, x, ...contexts).valueAndGradientInto(out, x, ...contexts);
}
