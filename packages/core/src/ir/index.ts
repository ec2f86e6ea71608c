/** The IR and its transformations (see packages/core/README.md, "Execution"). */
export { type Eqn, type Program, ProgramBuilder, formatProgram } from './program.js';
export { NotStageableError, StagedTracer, StagingTrace } from './stage.js';
export { interpret } from './interpret.js';
export { Adjoints } from './adjoints.js';
export { type Backward, type BackwardSource, type Staged, activity, backwardProgram } from './vjp.js';
export { type Tangents, tangentProgram } from './jvp.js';
export { Residuals, type Source } from './residuals.js';
export { type CompileOptions, type Compiled, codegenAvailable, compile } from './compile.js';
export { hashProgram, sameProgram } from './signature.js';
export { type Lowering, elementwise, isCheap, kernelOnly, structural } from './lowering.js';
export {
  type Access,
  type KernelStep,
  type LoopStep,
  type Schedule,
  type Step,
  schedule,
  withoutDeadCode,
} from './schedule.js';
export { InputKind, Recording } from './deferred.js';
export { ProgramCache } from './cache.js';
export type { Accumulation, Accumulations, Contribution } from './accumulate.js';
export { type Composed, compose } from './compose.js';
