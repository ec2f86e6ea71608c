#!/usr/bin/env node
/**
 * The packages as a user installs them: packs every published workspace package with
 * `pnpm pack` (which rewrites `workspace:` ranges as npm needs them), checks each tarball with
 * `@arethetypeswrong/cli`, installs the tarballs with npm into a fresh project in a temporary
 * directory, outside the workspace, compiles a strict TypeScript program against them and runs
 * it on Node ESM, and runs the conformance suite against the tape in that project, which has no
 * vitest. Exits non-zero on any failure; the temporary directory is removed.
 *
 * Usage: node scripts/packed/run.mjs [--keep]   (--keep leaves the project for inspection)
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const keep = process.argv.includes('--keep');

/** Runs a command, its output shown; throws (with the command) when it fails. */
function run(cmd, args, cwd) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  try {
    execFileSync(cmd, args, { cwd, stdio: 'inherit' });
  } catch (e) {
    throw new Error(`packed: \`${cmd} ${args.join(' ')}\` failed (exit code ${e.status ?? e.message})`);
  }
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The workspace's published packages: every non-private package.json under packages/ and conformance/. */
function publishedPackages() {
  const dirs = [
    ...readdirSync(join(root, 'packages')).map((d) => join(root, 'packages', d)),
    join(root, 'conformance'),
  ];
  return dirs
    .filter((d) => {
      try {
        return readJson(join(d, 'package.json')).private !== true;
      } catch {
        return false;
      }
    })
    .map((dir) => ({ dir, name: readJson(join(dir, 'package.json')).name }));
}

/** The version of a dependency the workspace pins, so the fresh project tests what CI tests. */
function workspaceVersion(name) {
  const candidates = [join(root, 'node_modules', name, 'package.json')];
  for (const { dir } of publishedPackages()) candidates.push(join(dir, 'node_modules', name, 'package.json'));
  for (const c of candidates) {
    try {
      return readJson(c).version;
    } catch {}
  }
  throw new Error(`${name} is not installed in the workspace; run pnpm install first`);
}

const work = mkdtempSync(join(tmpdir(), 'diffint-packed-'));
try {
  const tarballs = join(work, 'tarballs');
  const packages = publishedPackages();
  for (const { dir } of packages) run('pnpm', ['pack', '--pack-destination', tarballs], dir);
  const files = readdirSync(tarballs).filter((f) => f.endsWith('.tgz'));
  if (files.length !== packages.length)
    throw new Error(`expected ${packages.length} tarballs, got ${files.length}`);

  // ESM-only packages: the profile that checks every entry point from ESM and from bundlers.
  for (const f of files) run('pnpm', ['exec', 'attw', join(tarballs, f), '--profile', 'esm-only'], root);

  const app = join(work, 'app');
  run('mkdir', ['-p', app], work);
  writeFileSync(
    join(app, 'package.json'),
    `${JSON.stringify({ name: 'diffint-packed-smoke', private: true, type: 'module' }, null, 2)}\n`,
  );
  for (const f of ['smoke.ts', 'conformance.ts', 'libcheck.ts', 'tsconfig.json', 'tsconfig.lib.json']) {
    copyFileSync(join(here, f), join(app, f));
  }
  const tfjs = workspaceVersion('@tensorflow/tfjs');
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...files.map((f) => join(tarballs, f)),
      `@tensorflow/tfjs@${tfjs}`,
      `@tensorflow/tfjs-backend-wasm@${tfjs}`,
      `typescript@${workspaceVersion('typescript')}`,
      `@types/node@${workspaceVersion('@types/node')}`,
    ],
    app,
  );
  const tsc = join(app, 'node_modules/.bin/tsc');
  run(tsc, ['-p', 'tsconfig.lib.json'], app);
  run(tsc, ['-p', 'tsconfig.json'], app);
  run(process.execPath, ['smoke.js'], app);
  // vitest is an optional peer of @diffint/conformance: npm does not install it, and the runner
  // must work without it.
  run(process.execPath, ['conformance.js'], app);
  console.log(`packed: ${files.length} packages installed from tarballs, compiled and run`);
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
