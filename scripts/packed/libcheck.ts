/**
 * Every entry point's declarations, checked with `skipLibCheck: false`: a user who checks
 * libraries sees no error from diffint's types (the DOM lib is what TensorFlow.js's own need).
 */
import type * as conformance from '@diffint/conformance';
import type * as conformanceVitest from '@diffint/conformance/vitest';
import type * as core from '@diffint/core';
import type * as engine from '@diffint/core/engine';
import type * as math from '@diffint/core/math';
import type * as finiteDiff from '@diffint/finite-diff';
import type * as forward from '@diffint/forward';
import type * as sparse from '@diffint/sparse';
import type * as tape from '@diffint/tape';
import type * as tfjs from '@diffint/tfjs';

export type EntryPoints = [
  typeof core,
  typeof math,
  typeof engine,
  typeof tape,
  typeof forward,
  typeof finiteDiff,
  typeof tfjs,
  typeof sparse,
  typeof conformance,
  typeof conformanceVitest,
];
