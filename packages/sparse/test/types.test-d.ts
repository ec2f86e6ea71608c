/**
 * Type tests, checked by `tsc --noEmit`: a sparse backend makes jacobian and hessian (and their
 * variants) SparseMatrix-typed and its prepared objects show the pattern; dense backends keep NDArray.
 */
import {
  type NDArray,
  type SparseMatrix,
  hessian,
  jacobian,
  jacobianInto,
  prepareHessian,
  prepareJacobian,
  secondOrder,
  valueAndJacobian,
  valueGradientAndHessian,
} from '@diffint/core';
import * as m from '@diffint/core/math';
import { forward } from '@diffint/forward';
import { tape } from '@diffint/tape';
import { expectTypeOf } from 'vitest';
import { sparse } from '../src/index.js';

const x = new Float64Array(3);
const f = (x: m.Value) => m.square(x);
const g = (x: m.Value) => m.sum(m.square(x));

expectTypeOf(jacobian(f, sparse(forward()), x)).toEqualTypeOf<SparseMatrix>();
expectTypeOf(jacobian(f, forward(), x)).toEqualTypeOf<NDArray>();
expectTypeOf(valueAndJacobian(f, sparse(tape()), x)).toEqualTypeOf<
  [Float64Array | NDArray | number, SparseMatrix]
>();
expectTypeOf(hessian(g, sparse(secondOrder(forward(), tape())), x)).toEqualTypeOf<SparseMatrix>();
expectTypeOf(hessian(g, secondOrder(forward(), tape()), x)).toEqualTypeOf<NDArray>();
expectTypeOf(valueGradientAndHessian(g, sparse(tape()), x)).toEqualTypeOf<
  [number, Float64Array, SparseMatrix]
>();

const pj = prepareJacobian(f, sparse(forward()), x);
expectTypeOf(pj.pattern).toEqualTypeOf<SparseMatrix>();
expectTypeOf(pj.colors).toEqualTypeOf<Int32Array>();
expectTypeOf(pj.ncolors).toEqualTypeOf<number>();
expectTypeOf(pj.jacobianInto).parameter(0).toEqualTypeOf<SparseMatrix>();
expectTypeOf(prepareHessian(g, sparse(tape()), x).hessian(x)).toEqualTypeOf<SparseMatrix>();
expectTypeOf(jacobianInto(pj.jacobian(x), f, sparse(forward()), x)).toEqualTypeOf<SparseMatrix>();

// A dense preparation has no pattern.
// @ts-expect-error pattern exists only on sparse preparations
prepareJacobian(f, forward(), x).pattern;
