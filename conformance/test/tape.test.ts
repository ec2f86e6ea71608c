import { tape } from '@diffint/tape';
import { testBackend } from '../src/vitest.js';

// The tape differentiates every operator itself (second order by reverse-over-reverse), so an
// unsupported scenario is a failure here.
testBackend(tape(), { unsupported: 'fail' });
