import { replay } from '@diffint/core';
import { tape } from '@diffint/tape';
import { testBackend } from '../src/vitest.js';
import { scenarios } from '../src/scenarios/index.js';
import type { Scenario } from '../src/types.js';

// The gradient and derivative scenarios with f marked replay(f): a prepared call after the
// first runs the recorded program without running f, and must give what the ordinary path
// gives (the enclosed-state variants change what f reads between calls).
const replayed = (codegen: boolean): Scenario[] =>
  scenarios
    .filter((s) => (s.operator === 'gradient' || s.operator === 'derivative') && typeof s.f === 'function')
    .filter((s) => s.inPlace === undefined)
    .map((s) => ({ ...s, f: replay(s.f as (...a: unknown[]) => unknown, { codegen }) }));

testBackend(tape(), { name: 'tape (replay)', scenarios: replayed(true), unsupported: 'fail' });
testBackend(tape(), { name: 'tape (replay, interpreted)', scenarios: replayed(false), unsupported: 'fail' });
