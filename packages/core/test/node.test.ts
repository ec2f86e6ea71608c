/**
 * What runs in Node only (the browser run excludes this file): the generated files of the
 * primitive registry follow the primitive files, checked by running the generator.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const core = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('the generated files', () => {
  it('are what scripts/generate.mjs makes of src/primitives/ (run `pnpm generate` when this fails)', () => {
    let output = '';
    try {
      execFileSync(process.execPath, ['scripts/generate.mjs', '--check'], {
        cwd: core,
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (e) {
      output = String((e as { stderr?: string }).stderr ?? e);
    }
    expect(output).toBe('');
  });
});
