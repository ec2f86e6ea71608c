/** Global sparsity patterns of Jacobians and Hessians, by running f on sparsity tracers. */
import { NonScalarOutputError, SparseMatrix } from '@diffint/core';
import { type LeafFn, type Probe, type Value, shapeOf } from '@diffint/core/engine';
import { sizeOfShape } from './operand.js';
import { type IndexSet, emptyPairs, emptySet, single } from './sets.js';
import { SparsityTrace } from './trace.js';

/** The inputs of a detection: element k of leaf l depends on input (offset of l) + k alone. */
function inputs(trace: SparsityTrace, xs: readonly Value[]): Value[] {
  let offset = 0;
  return xs.map((x) => {
    const shape = shapeOf(x);
    const size = sizeOfShape(shape);
    const g = Array.from({ length: size }, (_, k) => single(offset + k));
    offset += size;
    return trace.input(shape, g, trace.ctx.second ? new Array(size).fill(emptyPairs) : null);
  });
}

function detect<R>(
  probe: Probe,
  xs: readonly Value[],
  second: boolean,
  read: (trace: SparsityTrace, ys: readonly Value[]) => R,
): R {
  const n = xs.reduce<number>((a, x) => a + sizeOfShape(shapeOf(x)), 0);
  return probe((f: LeafFn) => {
    const trace = new SparsityTrace(n, second);
    try {
      return read(trace, f(inputs(trace, xs)));
    } finally {
      trace.finish();
    }
  });
}

/** A pattern (values 1) with rows given as sorted column sets. */
export function patternOfRows(rows: readonly IndexSet[], cols: number): SparseMatrix {
  const rowPtr = new Int32Array(rows.length + 1);
  for (let i = 0; i < rows.length; i++) rowPtr[i + 1] = rowPtr[i]! + rows[i]!.length;
  const colIdx = new Int32Array(rowPtr[rows.length]!);
  rows.forEach((r, i) => colIdx.set(r, rowPtr[i]!));
  return new SparseMatrix([rows.length, cols], rowPtr, colIdx, new Float64Array(colIdx.length).fill(1));
}

/** The Jacobian's pattern: output element i depends on input j. */
export function detectJacobianPattern(probe: Probe, xs: readonly Value[]): SparseMatrix {
  return detect(probe, xs, false, (trace, ys) => {
    const rows: IndexSet[] = [];
    for (const y of ys) {
      const op = trace.operand(y);
      const size = sizeOfShape(op.shape);
      for (let k = 0; k < size; k++) rows.push(op.g === null ? emptySet : op.g[k]!);
    }
    return patternOfRows(rows, trace.ctx.n);
  });
}

/** The Hessian's pattern (symmetric): inputs i and j interact in the scalar output. */
export function detectHessianPattern(probe: Probe, xs: readonly Value[]): SparseMatrix {
  return detect(probe, xs, true, (trace, ys) => {
    if (ys.length !== 1 || shapeOf(ys[0]!).length !== 0) {
      throw new NonScalarOutputError('hessian', ys.length === 1 ? shapeOf(ys[0]!) : [ys.length]);
    }
    const n = trace.ctx.n;
    const h = trace.operand(ys[0]!).h?.[0] ?? emptyPairs;
    const rows: number[][] = Array.from({ length: n }, () => []);
    for (const code of h) {
      const i = Math.floor(code / n);
      const j = code - i * n;
      rows[i]!.push(j);
      if (i !== j) rows[j]!.push(i);
    }
    return patternOfRows(
      rows.map((r) => Int32Array.from(r).sort()),
      n,
    );
  });
}
