/** The machine and software a run was measured on, stored with its results. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

export interface Machine {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGB: number;
  readonly platform: string;
  readonly node: string;
  readonly date: string;
  /** 1-minute load average when the run started (other processes on the machine). */
  readonly loadAverage: number;
  readonly commit: string | null;
  readonly versions: Readonly<Record<string, string>>;
}

const require = createRequire(import.meta.url);

function versionOf(pkg: string): string {
  try {
    // The package's own package.json, found next to its resolved entry point.
    let dir = require.resolve(pkg);
    for (let i = 0; i < 6; i++) {
      dir = dir.slice(0, dir.lastIndexOf('/'));
      try {
        const json = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8')) as {
          name?: string;
          version?: string;
        };
        if (json.name === pkg) return json.version ?? '?';
      } catch {
        // not this directory
      }
    }
  } catch {
    // not installed
  }
  return 'not installed';
}

function commit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    date: new Date().toISOString(),
    loadAverage: Math.round(os.loadavg()[0]! * 100) / 100,
    commit: commit(),
    versions: Object.fromEntries(
      ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@jax-js/jax', 'tinybench'].map((p) => [
        p,
        versionOf(p),
      ]),
    ),
  };
}
