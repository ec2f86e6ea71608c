#!/usr/bin/env node
/**
 * What npm shows of each published package: `repository` (with the package's directory),
 * `homepage` and `bugs` in its package.json, the peer range on @diffint/core, and a README whose
 * links all work on npm's page, where a relative link has nothing to point to. Exits non-zero naming each problem.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/**
 * The peer range of @diffint/core in every package that has it: one every 0.x release satisfies,
 * or `changeset version` releases the peer's dependents as a new major (see changeset-dry-run).
 */
const corePeer = 'workspace:>=0.1.0 <1.0.0';

const dirs = [
  ...readdirSync(join(root, 'packages')).map((d) => join(root, 'packages', d)),
  join(root, 'conformance'),
];
const problems = [];
let checked = 0;
for (const dir of dirs) {
  const file = join(dir, 'package.json');
  if (!existsSync(file)) continue;
  const pkg = JSON.parse(readFileSync(file, 'utf8'));
  if (pkg.private === true) continue;
  checked++;
  const where = relative(root, dir);
  const fail = (what) => problems.push(`${pkg.name} (${where}/package.json): ${what}`);
  const repo = pkg.repository;
  if (typeof repo !== 'object' || typeof repo.url !== 'string')
    fail('needs "repository": { "type", "url", "directory" }');
  else if (repo.directory !== where)
    fail(`"repository.directory" must be "${where}", is ${JSON.stringify(repo.directory)}`);
  if (typeof pkg.homepage !== 'string' || !pkg.homepage.startsWith('https://'))
    fail('needs an https "homepage"');
  if (typeof pkg.bugs?.url !== 'string' || !pkg.bugs.url.startsWith('https://'))
    fail('needs "bugs": { "url" }');
  if (!(pkg.files ?? []).includes('README.md')) fail('"files" must include README.md');
  const peer = pkg.peerDependencies?.['@diffint/core'];
  if (peer !== undefined && peer !== corePeer)
    fail(`the peer range of @diffint/core must be "${corePeer}", is "${peer}"`);
  const readme = join(dir, 'README.md');
  if (!existsSync(readme)) {
    fail('has no README.md');
    continue;
  }
  const text = readFileSync(readme, 'utf8');
  for (const [, target] of text.matchAll(/\]\(([^)\s]+)[^)]*\)/g)) {
    if (!/^(https?:|mailto:|#)/.test(target)) {
      problems.push(
        `${pkg.name} (${where}/README.md): the link "${target}" is relative; npm's page needs an absolute URL`,
      );
    }
  }
}
for (const p of problems) console.error(`check-packages: ${p}`);
if (problems.length > 0) process.exit(1);
console.log(`check-packages: ${checked} packages have repository, homepage, bugs and absolute README links`);
