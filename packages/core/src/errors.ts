/**
 * Every error diffint throws is a `DiffError` with a stable `code`. The message names the
 * argument at fault and says how to fix it.
 */
export const ErrorCode = {
  InvalidInput: 'DIFF_INVALID_INPUT',
  ShapeMismatch: 'DIFF_SHAPE_MISMATCH',
  StructureMismatch: 'DIFF_STRUCTURE_MISMATCH',
  NonScalarOutput: 'DIFF_NON_SCALAR_OUTPUT',
  UnsupportedOperator: 'DIFF_UNSUPPORTED_OPERATOR',
  TracedValue: 'DIFF_TRACED_VALUE',
  TraceEscaped: 'DIFF_TRACE_ESCAPED',
  PreparationMismatch: 'DIFF_PREPARATION_MISMATCH',
  Nesting: 'DIFF_NESTING',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const codes = new Set<string>(Object.values(ErrorCode));

export class DiffError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * True for a diffint error, including one thrown by a second copy of the package (where
 * `instanceof` fails): the stable `code` is what identifies it.
 */
export function isDiffError(e: unknown): e is DiffError {
  if (e instanceof DiffError) return true;
  return (
    e instanceof Error &&
    typeof (e as { code?: unknown }).code === 'string' &&
    codes.has((e as DiffError).code)
  );
}

/** An input is not a value diffint understands (a string, a `Float32Array`, a cycle, a sparse array …). */
export class InvalidInputError extends DiffError {
  constructor(message: string) {
    super(ErrorCode.InvalidInput, message);
  }
}

/** Two shapes that must agree do not. */
export class ShapeMismatchError extends DiffError {
  constructor(message: string) {
    super(ErrorCode.ShapeMismatch, message);
  }
}

/** Two pytrees that must have the same structure do not. */
export class StructureMismatchError extends DiffError {
  constructor(message: string) {
    super(ErrorCode.StructureMismatch, message);
  }
}

/** `gradient`, `hessian` and `hvp` need a function with one scalar output. */
export class NonScalarOutputError extends DiffError {
  constructor(operator: string, shape: readonly number[]) {
    super(
      ErrorCode.NonScalarOutput,
      `${operator} needs f to return a scalar, but it returned a value of shape [${shape.join(', ')}]. ` +
        `Reduce the output (for example with sum or mean), or use jacobian / pullback for a vector output.`,
    );
  }
}

/** The backend cannot compute this operator (or cannot interpret this primitive). */
export class UnsupportedOperatorError extends DiffError {
  readonly backend: string;
  readonly operator: string;
  constructor(backend: string, operator: string, alternatives: string) {
    super(
      ErrorCode.UnsupportedOperator,
      `The ${backend} backend does not support ${operator}. ${alternatives}`,
    );
    this.backend = backend;
    this.operator = operator;
  }
}

/** A traced value was turned into a JS number (the silent-wrong-derivative bug, made loud). */
export class TracedValueError extends DiffError {
  constructor(what: string) {
    super(
      ErrorCode.TracedValue,
      `A value being differentiated was converted to a plain number (${what}). ` +
        'Its derivative would be lost silently. Read a primal for control flow with value(v); ' +
        'store intermediate results in a buffer() (or a cache() context) instead of a plain Float64Array; ' +
        'compute with the functions of @diffint/core/math instead of JS arithmetic operators.',
    );
  }
}

/** A traced value was used after the differentiation that created it had ended. */
export class TraceEscapedError extends DiffError {
  constructor(trace: string, operation: string) {
    super(
      ErrorCode.TraceEscaped,
      `A traced value of a ${trace} differentiation that has already ended was used in ${operation}. ` +
        'Do not keep traced values after f returns (for example in an outer variable); keep value(v) instead.',
    );
  }
}

/** Two engines that cannot be nested in this order. */
export class NestingError extends DiffError {
  constructor(outer: string, inner: string, why: string) {
    super(
      ErrorCode.Nesting,
      `The ${inner} backend cannot run inside a ${outer} differentiation: ${why} ` +
        `Use secondOrder with another pair (for example secondOrder(finiteDiff(), ${inner}()) or an engine that nests).`,
    );
  }
}

export interface ArgumentCheck {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** A prepared operator was called with arguments unlike the ones it was prepared with. */
export class PreparationMismatchError extends DiffError {
  readonly checks: readonly ArgumentCheck[];
  constructor(operator: string, checks: readonly ArgumentCheck[]) {
    const lines = checks.map((c) => `  ${c.ok ? '✅' : '❌'} ${c.name}: ${c.detail}`);
    super(
      ErrorCode.PreparationMismatch,
      `The prepared ${operator} was called with arguments that do not match its preparation:\n${lines.join('\n')}\n` +
        'Prepare again for these arguments (each preparation is specific to structure, shapes and context kinds).',
    );
    this.checks = checks;
  }
}
