/**
 * Forward mode's compiled programs: a prepared pushforward whose recording matches one compiled
 * before must give what the eager path gives when enclosed state changes between calls, and
 * forward-over-reverse HVPs compile whole.
 */
import { prepareHvp, preparePushforward, secondOrder } from '@diffint/core';
import * as m from '@diffint/core/math';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';
import { forward } from '../src/index.js';

const vec = (...xs: number[]) => Float64Array.from(xs);
const list = (v: unknown) => Array.from(v as Float64Array);

describe('compiled pushforwards read enclosed state afresh', () => {
  for (const codegen of [true, false]) {
    test(`an enclosed array changed in place, a number computed in JS (codegen ${codegen})`, () => {
      const c = vec(1, 2, 3);
      let k = 2;
      const f = (x: m.Value) => m.mul(m.square(m.mul(x, c)), k);
      const prep = preparePushforward(f, forward({ codegen }), vec(0, 0, 0), [vec(1, 1, 1)]);
      for (let call = 0; call < 4; call++) {
        if (call === 2) c.fill(5);
        if (call === 3) k = -1;
        const x = vec(1, -2, 0.5);
        const [y, [t]] = prep.valueAndPushforward(x, [vec(1, 1, 1)]);
        // y = k (x c)², ẏ = 2 k c² x.
        expect(list(y)).toEqual(list(f(x)));
        expect(list(t)).toEqual([0, 1, 2].map((i) => 2 * k * c[i]! * (c[i]! * x[i]!)));
      }
    });
  }

  test('directions of a batch that are zero stay symbolic, others are computed in one run', () => {
    const f = (x: m.Value) => m.exp(m.mul(x, 0.5));
    const prep = preparePushforward(f, forward(), vec(0, 0), [vec(1, 0), vec(0, 0), vec(0, 2)]);
    for (let i = 0; i < 3; i++) {
      const [a, b, c] = prep.pushforward(vec(1, 2), [vec(1, 0), vec(0, 0), vec(0, 2)]);
      expect(list(a)).toEqual([0.5 * Math.exp(0.5), 0]);
      expect(list(b)).toEqual([0, 0]);
      expect(list(c)).toEqual([0, 2 * 0.5 * Math.exp(1)]);
    }
  });
});

describe('forward over reverse', () => {
  test('Rosenbrock HVP on every call equal to the analytic Hessian times v', () => {
    const f = (x: m.Value) => {
      const n = m.shape(x)[0]!;
      const xo = m.slice(x, 0, n - 1);
      const xn = m.slice(x, 1, n);
      return m.sum(m.add(m.mul(100, m.square(m.sub(xn, m.square(xo)))), m.square(m.sub(1, xo))));
    };
    const x = vec(0.5, -1, 1.5, 2);
    const v = vec(1, 0.5, -1, 2);
    const prep = prepareHvp(f, secondOrder(forward(), tape()), x, [v]);
    const n = x.length;
    const H = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let i = 0; i < n - 1; i++) {
      H[i]![i]! += 1200 * x[i]! ** 2 - 400 * x[i + 1]! + 2;
      H[i]![i + 1]! += -400 * x[i]!;
      H[i + 1]![i]! += -400 * x[i]!;
      H[i + 1]![i + 1]! += 200;
    }
    const want = H.map((row) => row.reduce((s, h, j) => s + h * v[j]!, 0));
    for (let call = 0; call < 3; call++) {
      const [g, [hv]] = prep.gradientAndHvp(x, [v]);
      expect(list(g)[0]).toBeCloseTo(-400 * x[0]! * (x[1]! - x[0]! ** 2) - 2 * (1 - x[0]!), 10);
      list(hv).forEach((h, i) => expect(h).toBeCloseTo(want[i]!, 9));
    }
  });

  test('hvp and gradientAndHvp alternating on one preparation: each reads what it returns', () => {
    const f = (x: m.Value) => m.sum(m.mul(m.square(x), m.sin(x)));
    const x = vec(0.5, -1, 1.5);
    const v = vec(1, 0.5, -1);
    const engine = forward();
    const prep = prepareHvp(f, secondOrder(engine, tape()), x, [v]);
    // Reference: f = Σ x² sin x, ∂f = 2x sin x + x² cos x, ∂²f = 2 sin x + 4x cos x − x² sin x (diagonal).
    const d2 = (t: number) => 2 * Math.sin(t) + 4 * t * Math.cos(t) - t * t * Math.sin(t);
    const d1 = (t: number) => 2 * t * Math.sin(t) + t * t * Math.cos(t);
    for (let call = 0; call < 6; call++) {
      if (call % 2 === 0) {
        const [hv] = prep.hvp(x, [v]);
        list(hv).forEach((h, i) => expect(h).toBeCloseTo(d2(x[i]!) * v[i]!, 12));
      } else {
        const [g, [hv]] = prep.gradientAndHvp(x, [v]);
        list(g).forEach((gi, i) => expect(gi).toBeCloseTo(d1(x[i]!), 12));
        list(hv).forEach((h, i) => expect(h).toBeCloseTo(d2(x[i]!) * v[i]!, 12));
      }
      if (call >= 4) expect(engine.lastRunCompiled).toBe(true);
    }
  });

  for (const codegen of [true, false]) {
    test(`a pushforward told what is read gives those results (codegen ${codegen})`, () => {
      const engine = forward({ codegen });
      const x = vec(1, 2, 3);
      const t = vec(1, -1, 0.5);
      const f = (xs: readonly m.Value[]) => [m.mul(xs[0]!, 3), m.sum(m.square(xs[0]!))];
      const read = { ys: [false, true], tangents: [true, false] };
      for (let call = 0; call < 3; call++) {
        const r = engine.pushforward!(f, [x], [[t]], {}, read);
        expect(r.ys[1]).toBe(14);
        expect(list(r.results[0]![0])).toEqual([3, -3, 1.5]);
        if (call > 0) {
          // Not read, so not computed from the second call on (the program's compiled tier): zeros.
          expect(list(r.ys[0])).toEqual([0, 0, 0]);
          expect(r.results[0]![1]).toBe(0);
        } else expect(list(r.ys[0])).toEqual([3, 6, 9]);
      }
    });
  }
});
