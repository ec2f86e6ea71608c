import { InvalidInputError } from '@diffint/core';

/** Which points a difference evaluates: x + h (forward), x ± h (central) or x − h (backward). */
export type Scheme = 'forward' | 'central' | 'backward';

/** Options of `finiteDiff()`; every one has a default. */
export interface FiniteDiffOptions {
  /** Which points around x are evaluated (default 'central'). */
  readonly scheme?: Scheme;
  /**
   * The relative step: coordinate k is perturbed by `step · max(1, |x_k|)`, rounded to a power of
   * two. Default: chosen for the scheme so that truncation and rounding errors balance.
   */
  readonly step?: number;
  /** Richardson extrapolation: `true` for two levels, or a number of levels (0 for none). */
  readonly richardson?: boolean | number;
}

export interface ResolvedOptions {
  readonly scheme: Scheme;
  readonly step: number | undefined;
  readonly levels: number;
}

const schemes: readonly Scheme[] = ['forward', 'central', 'backward'];
export const defaultLevels = 2;
/** Beyond this, the extrapolation amplifies rounding errors more than it removes truncation. */
const maxLevels = 6;

export function resolveOptions(options: FiniteDiffOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidInputError(
      'finiteDiff(options): options must be an object such as { scheme: "central" }.',
    );
  }
  const scheme = options.scheme ?? 'central';
  if (!schemes.includes(scheme)) {
    throw new InvalidInputError(
      `finiteDiff: scheme must be 'forward', 'central' or 'backward', got ${JSON.stringify(scheme)}.`,
    );
  }
  const step = options.step;
  if (step !== undefined && !(typeof step === 'number' && Number.isFinite(step) && step > 0 && step < 1)) {
    throw new InvalidInputError(
      `finiteDiff: step must be a number between 0 and 1 (a relative step, such as 1e-5), got ${String(step)}. ` +
        'Leave it out for the standard step of the scheme.',
    );
  }
  const r = options.richardson ?? false;
  const levels = r === true ? defaultLevels : r === false ? 0 : r;
  if (!Number.isInteger(levels) || levels < 0 || levels > maxLevels) {
    throw new InvalidInputError(
      `finiteDiff: richardson must be true, false or a number of levels from 0 to ${maxLevels}, got ${String(r)}.`,
    );
  }
  return { scheme, step, levels };
}
