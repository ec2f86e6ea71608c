#!/usr/bin/env node
/**
 * The type tests (packages/core/test/*.test-d.ts, with the sources they check) compiled by the
 * newest TypeScript on npm as well as by the workspace's: installed with npm into a temporary
 * directory, which is removed. Exits non-zero on a type error.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'diffint-typescript-'));
try {
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', dir, 'typescript@latest'],
    {
      stdio: 'inherit',
    },
  );
  const version = JSON.parse(readFileSync(join(dir, 'node_modules/typescript/package.json'), 'utf8')).version;
  console.log(`type tests with TypeScript ${version}`);
  execFileSync(
    join(dir, 'node_modules/.bin/tsc'),
    ['-p', join(root, 'packages/core/tsconfig.json'), '--noEmit'],
    {
      stdio: 'inherit',
      cwd: root,
    },
  );
  console.log(`types-latest: packages/core (sources and type tests) compile with TypeScript ${version}`);
} catch (e) {
  console.error(`types-latest: ${e instanceof Error ? e.message : e}`);
  process.exitCode = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
