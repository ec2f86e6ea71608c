import { describe, expect, it } from 'vitest';
import * as m from '../../src/math/ops.js';
import { backwardProgram, compile, formatProgram, interpret, StagingTrace } from '../../src/ir/index.js';
import { type Value, withTrace } from '../../src/trace.js';

function rosenbrock(x: Value): Value {
  const n = m.shape(x)[0]!;
  const xo = m.slice(x, 0, n - 1);
  const xn = m.slice(x, 1, n);
  return m.sum(m.add(m.mul(100, m.square(m.sub(xn, m.square(xo)))), m.square(m.sub(1, xo))));
}

function stage(f: (x: Value) => Value, n: number) {
  const st = new StagingTrace();
  return withTrace(st, () => {
    const x = st.input([n]);
    const y = f(x);
    return st.program.finish([st.outputVar(y)]);
  });
}

describe('compile', () => {
  it('rosenbrock forward and backward match the eager kernels', () => {
    const n = 7;
    const x = Float64Array.from({ length: n }, (_, i) => 0.8 + 0.3 * Math.sin(i));
    const p = stage(rosenbrock, n);
    const c = compile(p);
    const y = c.run([x])[0];
    expect(y).toBe(rosenbrock(x));
    const b = backwardProgram(p, [true], true);
    const bc = compile(b.program);
    const inputs = b.sources.map((s) => (s.kind === 'seed' ? 1 : x));
    const g = bc.run(inputs)[0] as Float64Array;
    const gi = interpret(b.program, inputs)[0] as Float64Array;
    console.log(formatProgram(b.program));
    console.log(bc.source);
    expect(Array.from(g)).toEqual(Array.from(gi));
  });
});
