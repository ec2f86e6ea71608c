/**
 * @diffint/sparse: sparse Jacobians and Hessians over any diffint engine. `sparse(backend)` is a
 * backend: `jacobian(f, sparse(forward()), x)` and `hessian(f, sparse(secondOrder(forward(),
 * tape())), x)` return a `SparseMatrix` (CSR), computed with one compressed evaluation per color.
 */
export { type Detector, type SparseBackend, type SparseOptions, sparse, tracerDetector } from './sparse.js';
export {
  type Coloring,
  type ColoringOrder,
  bestColoring,
  coloringOrders,
  greedyColoring,
  starColoring,
  vertexOrder,
} from './coloring.js';
export {
  type Graph,
  type Structure,
  adjacencyGraph,
  columnIntersectionGraph,
  isSymmetric,
  rowIntersectionGraph,
  transposeStructure,
} from './graph.js';
export { isColumnOrthogonal, isRowOrthogonal, isStarColoring, isSymmetricallyOrthogonal } from './check.js';
export {
  type BinaryClass,
  type SparsityRule,
  type StructuralRule,
  type UnaryClass,
  sparsityRules,
} from './rules.js';
export type { Operand, RuleContext, Sets } from './operand.js';
export type { IndexSet, PairSet } from './sets.js';
export { SparsityTrace, SparsityTracer } from './trace.js';
