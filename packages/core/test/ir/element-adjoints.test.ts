/**
 * Element loops in reverse mode: the backward program of n element reads (`get(x, i)`,
 * `get(M, i, j)`) adds their cotangents into the adjoint's elements, so its size — equations and
 * the elements their outputs hold — grows linearly in n (a zero-padded array of the whole value
 * per read would make it quadratic).
 */
import { describe, expect, it } from 'vitest';
import { type Program, StagingTrace, backwardProgram, compile, interpret } from '../../src/ir/index.js';
import * as m from '../../src/math/ops.js';
import { type Value, withTrace } from '../../src/trace.js';
import { type Plain, type Shape, sizeOf } from '../../src/values.js';

function stage(f: (x: Value) => Value, shape: Shape): Program {
  const st = new StagingTrace();
  return withTrace(st, () => st.program.finish([st.outputVar(f(st.input(shape)))]));
}

/** Σ_i (i + 1) x_i², read element by element. */
const elementLoop = (x: Value) => {
  let s: Value = 0;
  for (let i = 0; i < m.size(x); i++) s = m.add(s, m.mul(i + 1, m.square(m.get(x, i))));
  return s;
};

/** Σ_ij M_ij², read element by element. */
const matrixLoop = (M: Value) => {
  const [r, c] = m.shape(M) as [number, number];
  let s: Value = 0;
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) s = m.add(s, m.square(m.get(M, i, j)));
  return s;
};

/** Equations of the backward program and the elements their outputs hold. */
function backwardSize(f: (x: Value) => Value, shape: Shape): { eqns: number; elements: number } {
  const b = backwardProgram(stage(f, shape), [true], false);
  let elements = 0;
  for (const e of b.program.eqns) elements += sizeOf(b.program.shapes[e.out]!);
  return { eqns: b.program.eqns.length, elements };
}

describe('backward programs of element loops', () => {
  it('grow linearly in the number of elements read from a vector', () => {
    const small = backwardSize(elementLoop, [200]);
    const large = backwardSize(elementLoop, [2000]);
    // Ten times the reads: about ten times the work (a padded adjoint per read would be ~100×).
    expect(large.eqns / small.eqns).toBeLessThan(13);
    expect(large.elements / small.elements).toBeLessThan(13);
    expect(large.elements).toBeLessThan(20 * 2000);
  });

  it('grow linearly in the number of elements read from a matrix by row and column', () => {
    const small = backwardSize(matrixLoop, [10, 20]);
    const large = backwardSize(matrixLoop, [10, 200]);
    expect(large.elements / small.elements).toBeLessThan(13);
    expect(large.elements).toBeLessThan(20 * 2000);
  });

  it('compute the analytic adjoint, compiled and interpreted', () => {
    const n = 50;
    const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i) + 0.5);
    const p = stage(elementLoop, [n]);
    const b = backwardProgram(p, [true], false);
    const residual = interpret({ ...p, outputs: b.residuals }, [x]);
    const primalOf = (v: number) => (p.inputs[0] === v ? x : residual[b.residuals.indexOf(v)]!);
    const inputs = b.sources.map((s) => (s.kind === 'seed' ? 1 : primalOf(s.v))) as Plain[];
    const want = Array.from(x, (xi, i) => 2 * (i + 1) * xi);
    for (const run of [compile(b.program), compile(b.program, { codegen: false })]) {
      const g = run.run(inputs)[0] as Float64Array;
      Array.from(g).forEach((gi, i) => expect(gi).toBeCloseTo(want[i]!, 12));
    }
    expect(Array.from(interpret(b.program, inputs)[0] as Float64Array)).toEqual(
      Array.from(compile(b.program).run(inputs)[0] as Float64Array),
    );
  });
});
