import { describe, expect, it } from 'vitest';
import { elementwise, kernelOnly, structural } from '../../src/ir/lowering.js';
import type { Primitive, PrimitiveName } from '../../src/primitive.js';
import { primitives } from '../../src/primitives/index.js';

const names = Object.keys(primitives) as PrimitiveName[];

const special = [
  0,
  -0,
  1,
  -1,
  0.5,
  -2.5,
  3,
  1e-300,
  -1e300,
  710,
  -710,
  Number.MIN_VALUE,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  Number.NaN,
];

describe('the compiler tables', () => {
  it('cover every primitive (an elementwise lowering, a structural rule or a kernel by design)', () => {
    const missing = names.filter((n) => !elementwise[n] && !structural.has(n) && !kernelOnly.has(n));
    expect(missing, `primitives the compiler does not know: ${missing.join(', ')}`).toEqual([]);
  });

  it('name only primitives that exist', () => {
    const known = new Set<string>(names);
    const listed = [...Object.keys(elementwise), ...structural, ...kernelOnly];
    expect(listed.filter((n) => !known.has(n))).toEqual([]);
  });

  for (const name of Object.keys(elementwise) as PrimitiveName[]) {
    it(`${name}: the lowering computes bit for bit what the kernel computes`, () => {
      const prim = primitives[name] as Primitive<PrimitiveName>;
      const lower = elementwise[name]!;
      // A lowering declares the arguments it reads.
      const arity = lower.length;
      const expr = lower('a', 'b', 'c');
      const lowered = new Function('a', 'b', 'c', `return ${expr};`) as (...x: number[]) => number;
      const wrong: string[] = [];
      for (const a of special) {
        for (const b of arity >= 2 ? special : [0]) {
          for (const c of arity === 3 ? special : [0]) {
            const args = [a, b, c].slice(0, arity);
            const want = prim.impl(args, {} as never) as number;
            const got = lowered(a, b, c);
            if (!Object.is(want, got))
              wrong.push(`${name}(${args.join(', ')}): kernel ${want}, lowered ${got}`);
          }
        }
      }
      expect(wrong.slice(0, 5)).toEqual([]);
    });
  }
});
