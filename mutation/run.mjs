#!/usr/bin/env node
/**
 * `pnpm mutation [what…] [-- stryker options…]`: Stryker over core and the float64 engines, or
 * over a part of them (a whole run takes hours on 2 cores).
 *
 *   pnpm mutation                                  everything in stryker.config.mjs
 *   pnpm mutation tape forward                     packages by name (core, tape, forward, finite-diff)
 *   pnpm mutation packages/core/src/operators      a folder, a file or a glob
 *   pnpm mutation packages/core/src/trace.ts:100-140   lines of a file (Stryker's mutation range)
 *   pnpm mutation tape --force                     options go to `stryker run` (--force: no reuse)
 *
 * Each selection keeps its own incremental file and report under reports/mutation/<selection>/,
 * so a run of one file neither reuses nor overwrites the results of another selection.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packages = ['core', 'tape', 'forward', 'finite-diff'];

const args = process.argv.slice(2).filter((a) => a !== '--');
const firstOption = args.findIndex((a) => a.startsWith('-'));
const targets = firstOption < 0 ? args : args.slice(0, firstOption);
const options = firstOption < 0 ? [] : args.slice(firstOption);

const patterns = targets.map((t) => {
  if (packages.includes(t)) return `packages/${t}/src/**/*.ts`;
  const path = t.replace(/\/+$/, '');
  const file = path.replace(/:[\d:-]+$/, '');
  if (existsSync(join(root, file)) && statSync(join(root, file)).isDirectory()) return `${path}/**/*.ts`;
  if (!/[*?{]/.test(file) && !existsSync(join(root, file))) {
    console.error(`pnpm mutation: ${t} is neither a package (${packages.join(', ')}) nor a path.`);
    process.exit(2);
  }
  return path;
});

const name = targets.map((t) => t.replace(/^packages\//, '').replace(/[^\w.-]+/g, '-')).join('+');
// A long name is cut and told apart by a hash of the whole, so two selections never share a report.
const selection =
  targets.length === 0
    ? 'all'
    : name.length <= 80
      ? name
      : `${name.slice(0, 71)}-${createHash('sha256').update(name).digest('hex').slice(0, 8)}`;
const out = `reports/mutation/${selection}`;

const core = createRequire(join(root, 'package.json')).resolve('@stryker-mutator/core/package.json');
const stryker = join(dirname(core), 'bin', 'stryker.js');
const argv = [stryker, 'run', ...(patterns.length > 0 ? ['--mutate', patterns.join(',')] : []), ...options];
console.log(`stryker run${patterns.length > 0 ? ` --mutate ${patterns.join(',')}` : ''} → ${out}/`);
const env = { ...process.env, DIFFINT_MUTATION_REPORTS: out };
const result = spawnSync(process.execPath, argv, { cwd: root, stdio: 'inherit', env });
process.exit(result.status ?? 1);
