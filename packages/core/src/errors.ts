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

/** The base of every error diffint throws; `code` is stable across versions (see `ErrorCode`). */
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

/** How a traced value was misused: as a number, a string, or an array (its elements or length). */
export type TracedUse = 'number' | 'string' | 'array';

const tracedFix: Record<TracedUse, string> = {
  number:
    'Its derivative would be lost silently. Read a primal for control flow with value(v); ' +
    'store intermediate results in a buffer() (or a cache() context) instead of a plain Float64Array; ' +
    'compute with the functions of @diffint/core/math instead of JS arithmetic operators.',
  string:
    'Print it with console.log(v) or v.toString(), which show its engine, shape and primal values, ' +
    'or read its primal with value(v).',
  array:
    'It has no elements or length that JS can read, so its derivative would be lost silently. ' +
    'Index it with m.get(v, i) or m.slice(v, start, end), read its size with m.size(v) or m.shape(v), ' +
    'and write element by element into a buffer() (or a cache() context) instead of a plain array.',
};

/**
 * A traced value was used where JS needs a plain number, string or array (`plain[i] = v`,
 * `v + 1`, `` `${v}` ``, `v.length`, `v[0]`, `for (const e of v)`): the silent-wrong-derivative
 * bug, made loud.
 */
export class TracedValueError extends DiffError {
  /** What the value was used as. */
  readonly use: TracedUse;
  constructor(what: string, use: TracedUse = 'number') {
    super(
      ErrorCode.TracedValue,
      `A value being differentiated was used as ${use === 'array' ? 'an array' : `a plain ${use}`} (${what}). ${tracedFix[use]}`,
    );
    this.use = use;
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

/**
 * Two engines that cannot be nested in this order. `alternative` is a backend expression that
 * works in its place, written as code a user can paste (`secondOrder(finiteDiff(), inner())`
 * unless the engine knows a better one).
 */
export class NestingError extends DiffError {
  /**
   * `alternative` names a pair that works (in the default fix); `fix`, when given, replaces the
   * whole suggestion (for a backend where another pair is not the way out).
   */
  constructor(
    outer: string,
    inner: string,
    why: string,
    alternative = `secondOrder(finiteDiff(), ${inner}())`,
    fix = `Use secondOrder with another pair (for example ${alternative}) or an engine that nests.`,
  ) {
    super(
      ErrorCode.Nesting,
      `The ${inner} backend cannot run inside a ${outer} differentiation: ${why} ${fix}`,
    );
  }
}

/** One argument of a prepared call, compared with the one it was prepared with. */
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
