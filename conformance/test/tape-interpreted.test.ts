import { tape } from '@diffint/tape';
import { test } from 'vitest';
import { testBackend } from '../src/vitest.js';

// The same suite with the tape's programs interpreted instead of run as generated code (the
// path taken where a Content-Security-Policy forbids `new Function`). In CI, `pnpm conformance`
// runs it (failing on an unsupported scenario too, as here): DIFFINT_CONFORMANCE_BY_CLI=1.
if (process.env.DIFFINT_CONFORMANCE_BY_CLI === '1') {
  test.skip('tape (interpreted): run by pnpm conformance (DIFFINT_CONFORMANCE_BY_CLI=1)', () => {});
} else {
  testBackend(tape({ codegen: false }), { unsupported: 'fail' });
}
