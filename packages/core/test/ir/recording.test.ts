import { describe, expect, test } from 'vitest';
import { InputKind, type Program, Recording, formatProgram } from '../../src/ir/index.js';
import { primitives } from '../../src/primitives/index.js';
import type { Value } from '../../src/trace.js';
import { NDArray } from '../../src/values.js';

type Op = { prim: 'sin' | 'cos' | 'mul' | 'add'; args: number[] };

/** Records inputs of the given lengths, then the ops (args index variables), with y the last variable. */
function record(guide: Program | null, lengths: readonly number[], ops: readonly Op[], reuse?: Recording) {
  let rec: Recording;
  if (reuse === undefined) rec = new Recording(guide);
  else {
    reuse.begin(guide);
    rec = reuse;
  }
  const vars = lengths.map((n) => rec.input(InputKind.Active, new Float64Array(n).fill(0.5), [n]));
  for (const op of ops) {
    const shape = [lengths[0]!];
    // The caller's argument array may be reused: the recording must copy what it keeps.
    const args = op.args.map((a) => vars[a]!);
    vars.push(rec.eqn(primitives[op.prim], args, {} as never, shape));
    args.fill(-7);
  }
  return { rec, program: rec.finish([vars[vars.length - 1]!]) };
}

const ops: Op[] = [
  { prim: 'sin', args: [0] },
  { prim: 'mul', args: [2, 1] },
  { prim: 'add', args: [3, 0] },
];

describe('a recording guided by an earlier one', () => {
  test('that records the same returns the guide itself and builds nothing', () => {
    const first = record(null, [3, 3], ops).program;
    const again = record(first, [3, 3], ops);
    expect(again.program).toBe(first);
    expect(again.rec.size).toBe(3);
    expect(again.rec.inputCount).toBe(2);
    expect(again.rec.inputIndex(1)).toBe(1);
    expect(again.rec.inputIndex(2)).toBe(-1);
  });

  test('that records something else gives the program an unguided recording gives', () => {
    const guide = record(null, [3, 3], ops).program;
    const variants: [number[], Op[]][] = [
      // the second op differs
      [
        [3, 3],
        [ops[0]!, { prim: 'add', args: [2, 1] }, ops[2]!],
      ],
      // an argument differs
      [
        [3, 3],
        [ops[0]!, { prim: 'mul', args: [2, 0] }, ops[2]!],
      ],
      // an input's shape differs
      [[3, 4], ops],
      // fewer ops, then more
      [[3, 3], ops.slice(0, 2)],
      [
        [3, 3],
        [...ops, { prim: 'cos', args: [4] }],
      ],
      // one input fewer
      [[3], [ops[0]!]],
    ];
    for (const [lengths, o] of variants) {
      const guided = record(guide, lengths, o);
      const plain = record(null, lengths, o);
      expect(guided.program).not.toBe(guide);
      expect(formatProgram(guided.program)).toBe(formatProgram(plain.program));
      expect(guided.rec.size).toBe(plain.rec.size);
      expect(guided.rec.inputCount).toBe(plain.rec.inputCount);
      // the argument arrays were copied: overwriting the caller's did not change the program
      expect(guided.program.eqns.flatMap((e) => e.args)).not.toContain(-7);
    }
    // the guide itself is never changed
    expect(formatProgram(guide)).toBe(formatProgram(record(null, [3, 3], ops).program));
  });

  test('the same ops with other outputs keep the guide’s equations', () => {
    const guide = record(null, [3, 3], ops).program;
    const rec = new Recording(guide);
    const x = rec.input(InputKind.Active, Float64Array.of(1, 2, 3), [3]);
    const z = rec.input(InputKind.Active, Float64Array.of(4, 5, 6), [3]);
    const s = rec.eqn(primitives.sin, [x], {} as never, [3]);
    const p = rec.eqn(primitives.mul, [s, z], {} as never, [3]);
    rec.eqn(primitives.add, [p, x], {} as never, [3]);
    const out = rec.finish([s]);
    expect(out).not.toBe(guide);
    expect(out.eqns).toBe(guide.eqns);
    expect(out.outputs).toEqual([s]);
  });

  test('values read while guided are this run’s, and the recording stays correct', () => {
    const guide = record(null, [3, 3], ops).program;
    const rec = new Recording(guide);
    const x = rec.input(InputKind.Active, Float64Array.of(1, 2, 3), [3]);
    const z = rec.input(InputKind.Active, Float64Array.of(4, 5, 6), [3]);
    const s = rec.eqn(primitives.sin, [x], {} as never, [3]);
    // read early: the recording computes sin(x) of this run
    expect(Array.from(rec.valueOf(s) as Float64Array)).toEqual([Math.sin(1), Math.sin(2), Math.sin(3)]);
    expect(rec.early).toBe(true);
    const p = rec.eqn(primitives.mul, [s, z], {} as never, [3]);
    const y = rec.eqn(primitives.add, [p, x], {} as never, [3]);
    rec.runAll();
    const want = [1, 2, 3].map((v, i) => Math.sin(v) * (4 + i) + v);
    expect(Array.from(rec.valueOf(y) as Float64Array)).toEqual(want);
    expect(formatProgram(rec.finish([y]))).toBe(formatProgram(guide));
  });

  test('a guided run computes what an unguided one computes', () => {
    const guide = record(null, [3, 3], ops).program;
    const run = (g: Program | null) => {
      const rec = new Recording(g);
      const x = rec.input(InputKind.Active, Float64Array.of(0.1, 0.2, 0.3), [3]);
      const z = rec.input(InputKind.Active, Float64Array.of(2, 3, 4), [3]);
      const s = rec.eqn(primitives.sin, [x], {} as never, [3]);
      const c = rec.eqn(primitives.cos, [z], {} as never, [3]);
      const y = rec.eqn(primitives.mul, [s, c], {} as never, [3]);
      rec.runAll();
      return Array.from(rec.valueOf(y) as Float64Array);
    };
    const want = [0.1, 0.2, 0.3].map((v, i) => Math.sin(v) * Math.cos(2 + i));
    expect(run(guide)).toEqual(want);
    expect(run(null)).toEqual(want);
  });
});

describe('following the guide without computing shapes', () => {
  test('the guide’s next equation is taken with its shape; any other stops the following', () => {
    const rec0 = new Recording(null);
    const x0 = rec0.input(InputKind.Active, new Float64Array(4), [4]);
    const s0 = rec0.eqn(primitives.slice, [x0], { begin: [1], size: [2] } as never, [2]);
    const guide = rec0.finish([rec0.eqn(primitives.sum, [s0], { axis: null } as never, [])]);

    const rec = new Recording(guide);
    const x = rec.input(InputKind.Active, new Float64Array(4), [4]);
    const s = rec.follow(primitives.slice, [x], { begin: [1], size: [2] });
    expect(s).toBe(s0);
    expect(rec.shapeOf(s)).toBe(guide.shapes[s0]);
    // other parameters: not followed, and nothing is recorded by follow itself
    expect(rec.follow(primitives.sum, [s], { axis: 0 })).toBe(-1);
    expect(rec.size).toBe(1);
    const y = rec.eqn(primitives.sum, [s], { axis: 0 } as never, []);
    const p = rec.finish([y]);
    expect(p).not.toBe(guide);
    expect(p.eqns.map((e) => e.prim.name)).toEqual(['slice', 'sum']);
    expect(p.eqns[1]!.params).toEqual({ axis: 0 });
    // once off the guide, follow never takes anything
    expect(rec.follow(primitives.sum, [s], { axis: null })).toBe(-1);
  });

  test('a guide followed to its end is the program, and nothing past its end is followed', () => {
    const guide = record(null, [3, 3], ops).program;
    /** The guide's inputs and ops, each op taken by `follow`: their variables. */
    const followAll = (rec: Recording) => {
      const x = rec.input(InputKind.Active, new Float64Array(3), [3]);
      const z = rec.input(InputKind.Active, new Float64Array(3), [3]);
      const s = rec.follow(primitives.sin, [x], {});
      const p = rec.follow(primitives.mul, [s, z], {});
      return [s, p, rec.follow(primitives.add, [p, x], {})] as const;
    };
    const rec = new Recording(guide);
    const vars = followAll(rec);
    expect(vars).toEqual(guide.eqns.map((e) => e.out));
    expect(rec.size).toBe(3);
    expect(rec.finish([vars[2]])).toBe(guide);
    // one more op than the guide has
    const longer = new Recording(guide);
    const y2 = followAll(longer)[2];
    expect(longer.follow(primitives.cos, [y2], {})).toBe(-1);
    const c = longer.eqn(primitives.cos, [y2], {} as never, [3]);
    expect(longer.finish([c]).eqns.map((e) => e.prim.name)).toEqual(['sin', 'mul', 'add', 'cos']);
  });

  test('an input where the guide has an equation is not followed', () => {
    // guide: x, sin x, then a constant input z, then sin x · z
    const g = new Recording(null);
    const gx = g.input(InputKind.Active, new Float64Array(3), [3]);
    const gs = g.eqn(primitives.sin, [gx], {} as never, [3]);
    const gz = g.constantInput(Float64Array.of(1, 2, 3), [3]);
    const guide = g.finish([g.eqn(primitives.mul, [gs, gz], {} as never, [3])]);
    // this run: x, then z at once (where the guide has sin x), then x · z
    const rec = new Recording(guide);
    const x = rec.input(InputKind.Active, new Float64Array(3), [3]);
    const z = rec.constantInput(Float64Array.of(1, 2, 3), [3]);
    const y = rec.eqn(primitives.mul, [x, z], {} as never, [3]);
    const p = rec.finish([y]);
    expect(p).not.toBe(guide);
    expect(p.inputs).toEqual([0, 1]);
    expect(p.eqns.map((e) => [e.prim.name, ...e.args])).toEqual([['mul', 0, 1]]);
    expect(rec.inputCount).toBe(2);
    expect(rec.kinds).toEqual([InputKind.Active, InputKind.Array]);
  });

  test('other arguments or another primitive are not followed', () => {
    const guide = record(null, [3, 3], ops).program;
    for (const [prim, args] of [
      ['cos', [0]],
      ['sin', [1]],
    ] as const) {
      const rec = new Recording(guide);
      rec.input(InputKind.Active, new Float64Array(3), [3]);
      rec.input(InputKind.Active, new Float64Array(3), [3]);
      expect(rec.follow(primitives[prim], args, {})).toBe(-1);
    }
  });
});

describe('values the recording keeps', () => {
  test('inputs keep their values in order', () => {
    const rec = new Recording(null);
    const a: Value = Float64Array.of(1);
    rec.input(InputKind.Active, a, [1]);
    rec.constantInput(2, []);
    expect(rec.inputValues).toEqual([a, 2]);
    expect(rec.kinds).toEqual([InputKind.Active, InputKind.Number]);
  });
});

describe('a recording begun again in the same object', () => {
  const other: Op[] = [
    { prim: 'cos', args: [1] },
    { prim: 'add', args: [2, 0] },
  ];

  test('records what a new recording records, whatever the last one was', () => {
    const guide = record(null, [3, 3], ops).program;
    const rec = new Recording();
    // Unguided, guided to the end, diverging, with fewer and with more inputs: each as if new.
    const cases: [Program | null, number[], Op[]][] = [
      [null, [3, 3], ops],
      [guide, [3, 3], ops],
      [guide, [3, 3], other],
      [guide, [3], [{ prim: 'sin', args: [0] }]],
      [null, [3, 3, 3], [{ prim: 'mul', args: [0, 2] }]],
      [guide, [3, 3], ops],
    ];
    for (const [g, lengths, o] of cases) {
      const fresh = record(g, lengths, o);
      const reused = record(g, lengths, o, rec);
      expect(formatProgram(reused.program)).toBe(formatProgram(fresh.program));
      expect(rec.kinds).toEqual(fresh.rec.kinds);
      expect(rec.inputValues).toEqual(fresh.rec.inputValues);
      expect(rec.values.length).toBe(fresh.rec.values.length);
      expect(rec.size).toBe(fresh.rec.size);
      expect(rec.inputCount).toBe(fresh.rec.inputCount);
      rec.runAll();
      fresh.rec.runAll();
      expect(rec.values).toEqual(fresh.rec.values);
      expect([rec.early, rec.evaluated]).toEqual([fresh.rec.early, fresh.rec.evaluated]);
    }
  });

  test('keeps no value once cleared', () => {
    const rec = new Recording();
    record(null, [3, 3], ops, rec).rec.runAll();
    rec.clear();
    expect(rec.values.every((v) => v === undefined)).toBe(true);
    expect(rec.inputValues.every((v) => v === 0)).toBe(true);
  });
});

describe('the shape of the next input', () => {
  const guide = (() => {
    const rec = new Recording();
    const a = rec.input(InputKind.Active, new Float64Array(3), [3]);
    const b = rec.input(InputKind.Number, 2, []);
    const c = rec.input(InputKind.Array, new NDArray(new Float64Array(6), [2, 3]), [2, 3]);
    return rec.finish([a, b, c]);
  })();

  test("is the guide's own list when the value has its dimensions", () => {
    const rec = new Recording(guide);
    expect(rec.inputShape(new Float64Array(3))).toBe(guide.shapes[0]);
    rec.input(InputKind.Active, new Float64Array(3), rec.inputShape(new Float64Array(3)));
    expect(rec.inputShape(5)).toBe(guide.shapes[1]);
    rec.input(InputKind.Number, 5, rec.inputShape(5));
    const m = new NDArray(new Float64Array(6), [2, 3]);
    expect(rec.inputShape(m)).toBe(guide.shapes[2]);
  });

  test("is the value's own when its dimensions differ from the guide's, or the guide has none there", () => {
    expect(new Recording(guide).inputShape(new Float64Array(4))).toEqual([4]);
    expect(new Recording(guide).inputShape(7)).toEqual([]);
    expect(new Recording(guide).inputShape(new NDArray(new Float64Array(6), [6, 1]))).toEqual([6, 1]);
    expect(new Recording(guide).inputShape(new NDArray(new Float64Array(3), [3]))).toEqual([3]);
    const second = new Recording(guide);
    second.input(InputKind.Active, new Float64Array(3), [3]);
    expect(second.inputShape(new Float64Array(1))).toEqual([1]);
    expect(second.inputShape(Float64Array.of(1, 2, 3))).toEqual([3]);
    expect(second.inputShape(Float64Array.of(1, 2, 3))).not.toBe(guide.shapes[0]);
    // Past the guide's inputs (at an equation of the guide), and unguided.
    const rec = new Recording(guide);
    for (const v of [new Float64Array(3), 5, new NDArray(new Float64Array(6), [2, 3])])
      rec.input(InputKind.Active, v, rec.inputShape(v));
    expect(rec.inputShape(new Float64Array(3))).toEqual([3]);
    expect(rec.inputShape(new Float64Array(3))).not.toBe(guide.shapes[0]);
    expect(new Recording().inputShape(new Float64Array(2))).toEqual([2]);
  });
});

describe('finishing', () => {
  test('keeps no list the caller passed: the caller may reuse it', () => {
    const unguided = record(null, [3, 3], ops);
    const outputs = [4, 2];
    const p = new Recording(unguided.program);
    for (const [kind, n] of [
      [InputKind.Active, 3],
      [InputKind.Active, 3],
    ] as const)
      p.input(kind, new Float64Array(n), [n]);
    p.eqn(primitives.sin, [0], {} as never, [3]);
    p.eqn(primitives.mul, [2, 1], {} as never, [3]);
    p.eqn(primitives.add, [3, 0], {} as never, [3]);
    const guided = p.finish(outputs);
    const q = new Recording();
    q.input(InputKind.Active, new Float64Array(3), [3]);
    const qOutputs = [0];
    const built = q.finish(qOutputs);
    outputs[0] = 0;
    outputs.push(9);
    qOutputs.push(0);
    expect(guided.outputs).toEqual([4, 2]);
    expect(built.outputs).toEqual([0]);
  });
});
