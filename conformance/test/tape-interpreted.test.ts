import { tape } from '@diffint/tape';
import { testBackend } from '../src/vitest.js';

// The same suite with the tape's programs interpreted instead of run as generated code (the
// path taken where a Content-Security-Policy forbids `new Function`).
testBackend(tape({ codegen: false }), { unsupported: 'fail' });
