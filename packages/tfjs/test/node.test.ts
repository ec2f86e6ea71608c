/**
 * The built adapter as an app runs it: each program in test/node runs in its own Node ESM
 * process (no alias to the sources, no vitest), with the TensorFlow.js imports an app writes.
 * Run after `pnpm build` (the turbo task does).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gradient, NestingError } from '@diffint/core';
import * as m from '@diffint/core/math';
import { tape } from '@diffint/tape';
import { beforeAll, describe, expect, test } from 'vitest';
import { tfjs } from '../src/index.js';

const dir = fileURLToPath(new URL('./node/', import.meta.url));

/** TensorFlow.js's own advice, printed on Node by its cpu backend, is the one line expected on stderr. */
const banner = /\n=+\nHi, looks like you are running TensorFlow\.js in Node\.js\.[^\n]*\n=+\n/;

function node(file: string) {
  const r = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(banner, '') };
}

/** The call expression that starts at `start` in `text`, up to its balanced closing parenthesis. */
function callAt(text: string, start: number): string {
  if (start < 0) return '';
  let depth = 0;
  for (let i = text.indexOf('(', start); i < text.length; i++) {
    if (text[i] === '(') depth++;
    if (text[i] === ')' && --depth === 0) return text.slice(start, i + 1);
  }
  return '';
}

beforeAll(() => {
  const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
  if (!existsSync(dist)) throw new Error('@diffint/tfjs is not built: run `pnpm build` first');
});

describe('the imports an app writes', () => {
  test.each([
    ['@tensorflow/tfjs', 'tfjs.mjs'],
    ['@tensorflow/tfjs-core with the cpu backend (no gradients registered by the app)', 'core-cpu.mjs'],
    ['@tensorflow/tfjs-core with the wasm backend', 'wasm.mjs'],
  ])('%s: gradients and Hessians work', (_, file) => {
    const r = node(file);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/: ok$/m);
  });
});

test('products with a zero-sized dimension on wasm are right and print nothing on stderr', () => {
  const r = node('empty-wasm.mjs');
  expect(r.stderr).not.toMatch(/XNN status/);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});

test("the nesting error's backend, pasted into a program, computes the Hessian", () => {
  let message = '';
  try {
    gradient((y: m.Value) => gradient((z: m.Value) => m.mul(z, y), tfjs(), 1) as m.Value, tape(), 2);
  } catch (e) {
    expect(e).toBeInstanceOf(NestingError);
    message = (e as Error).message;
  }
  const hint = callAt(message, message.indexOf('secondOrder('));
  expect(hint).toMatch(/tfjs\(\)\)$/);
  const file = `${dir}hint-${process.pid}.mjs`;
  writeFileSync(
    file,
    [
      "import { hessian, secondOrder } from '@diffint/core';",
      "import * as m from '@diffint/core/math';",
      "import { finiteDiff } from '@diffint/finite-diff';",
      "import { tfjs } from '@diffint/tfjs';",
      "import '@tensorflow/tfjs';",
      // f = e^x₀·sin x₁: H = e^x₀·[[sin x₁, cos x₁], [cos x₁, −sin x₁]]. At a point where float32
      // rounds, differences with float64's step are off by 1e-3; a step for float32, by 1e-5.
      'const f = (x) => m.mul(m.exp(m.get(x, 0)), m.sin(m.get(x, 1)));',
      `const H = hessian(f, ${hint}, Float64Array.of(0.3, 0.7));`,
      'const [s, c] = [Math.exp(0.3) * Math.sin(0.7), Math.exp(0.3) * Math.cos(0.7)];',
      'const want = [s, c, c, -s];',
      'const ok = want.every((w, i) => Math.abs(H.data[i] - w) < 1e-4);',
      "console.log(ok ? 'ok' : 'got ' + Array.from(H.data).join(', '));",
      'process.exit(ok ? 0 : 1);',
    ].join('\n'),
  );
  try {
    const r = node(file);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('ok');
    expect(r.status).toBe(0);
  } finally {
    rmSync(file, { force: true });
  }
});
