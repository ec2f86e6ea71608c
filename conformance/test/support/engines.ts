/**
 * Small engines that exercise the runner: an oracle by central differences (independent of the
 * finite-diff package), and engines that are wrong in one precise way.
 */
import type { Engine } from '@diffint/core';
import * as m from '@diffint/core/math';
import { tape } from '@diffint/tape';

/** Central differences with a fixed relative step, on plain values only. */
export function centralDifferences(): Engine {
  return {
    kind: 'engine',
    name: 'central',
    precision: 'float64',
    mode: 'forward',
    pushforward(f, xs, tangents) {
      const ys = f(xs);
      const h = 1e-5;
      const at = (t: readonly m.Value[], s: number) => f(xs.map((x, i) => m.add(x, m.mul(s * h, t[i]!))));
      const results = tangents.map((t) => {
        const plus = at(t, 1);
        const minus = at(t, -1);
        return plus.map((p, j) => m.div(m.sub(p, minus[j]!), 2 * h));
      });
      return { ys, results };
    },
  };
}

/** The tape with every pullback result scaled by 1 + 1e-6: a wrong number, by a little. */
export function slightlyWrong(): Engine {
  const inner = tape();
  return {
    ...inner,
    name: 'slightly-wrong',
    pullback: (f, xs, cotangents, key) => {
      const r = inner.pullback!(f, xs, cotangents, key);
      return { ys: r.ys, results: r.results.map((res) => res.map((v) => m.mul(v, 1 + 1e-6))) };
    },
  };
}

/**
 * The tape, but it zeroes the first element of every vector cotangent it is given. (Core hands
 * an engine its own copy of x, so the caller's x cannot be reached; the seeds can.)
 */
export function mutating(): Engine {
  const inner = tape();
  return {
    ...inner,
    name: 'mutating',
    pullback: (f, xs, cotangents, key) =>
      inner.pullback!(
        f,
        xs,
        (ys) => {
          const cs = cotangents(ys);
          for (const c of cs)
            for (const leaf of c) if (leaf instanceof Float64Array && leaf.length > 0) leaf[0] = 0;
          return cs;
        },
        key,
      ),
  };
}

/** An engine that implements nothing: core raises UnsupportedOperatorError for every operator. */
export function empty(): Engine {
  return { kind: 'engine', name: 'empty', precision: 'float64', mode: 'reverse' };
}
