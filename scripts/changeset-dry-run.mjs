#!/usr/bin/env node
/**
 * `changeset version` as a release would run it, on a copy of the repository in a temporary
 * directory, so nothing is left behind: every pending changeset must be consumed, every
 * published package must reach one new version (they are a `fixed` group), none may cross to a
 * new major unless a changeset asks for one, and each must get a CHANGELOG entry. Exits non-zero otherwise; prints the versions it would release.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
  cwd: root,
  encoding: 'utf8',
})
  .split('\0')
  .filter((f) => f !== '' && existsSync(join(root, f)));
const copy = mkdtempSync(join(tmpdir(), 'diffint-changeset-'));
try {
  for (const f of files) {
    mkdirSync(dirname(join(copy, f)), { recursive: true });
    cpSync(join(root, f), join(copy, f));
  }
  const pending = readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
  const asksMajor = pending.some((f) =>
    /^---\n[\s\S]*?:\s*major\s*$[\s\S]*?^---/m.test(readFileSync(join(copy, '.changeset', f), 'utf8')),
  );
  const dirs = ['packages', 'conformance'].flatMap((d) =>
    d === 'packages' ? readdirSync(join(copy, d)).map((p) => join(d, p)) : [d],
  );
  const published = dirs
    .filter((d) => existsSync(join(copy, d, 'package.json')))
    .map((d) => ({ dir: d, before: readJson(join(copy, d, 'package.json')) }))
    .filter((p) => p.before.private !== true);

  const bin = join(root, 'node_modules/@changesets/cli/bin.js');
  execFileSync(process.execPath, [bin, 'version'], { cwd: copy, stdio: 'inherit' });

  const problems = [];
  const left = readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
  if (left.length > 0) problems.push(`changesets not consumed: ${left.join(', ')}`);
  const versions = new Set();
  for (const { dir, before } of published) {
    const after = readJson(join(copy, dir, 'package.json'));
    versions.add(after.version);
    console.log(`${after.name}: ${before.version} -> ${after.version}`);
    if (pending.length > 0 && after.version === before.version) problems.push(`${after.name} was not bumped`);
    const major = (v) => Number(v.split('.')[0]);
    if (!asksMajor && major(after.version) > major(before.version)) {
      problems.push(
        `${after.name} would jump to ${after.version} though no changeset asks for a major release: ` +
          "a package's peerDependencies on @diffint/core must be a range the next version satisfies " +
          '(the others use "workspace:>=0.1.0 <1.0.0"), or changesets releases its dependents as major',
      );
    }
    if (pending.length > 0 && !existsSync(join(copy, dir, 'CHANGELOG.md'))) {
      problems.push(`${after.name} has no CHANGELOG.md`);
    }
  }
  if (versions.size > 1) problems.push(`the fixed group split into versions ${[...versions].join(', ')}`);
  if (problems.length > 0) {
    for (const p of problems) console.error(`changeset dry run: ${p}`);
    process.exit(1);
  }
  console.log(
    `changeset dry run: ${pending.length} changesets, ${published.length} packages, nothing written`,
  );
} finally {
  rmSync(copy, { recursive: true, force: true });
}
