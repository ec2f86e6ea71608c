import { Writable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { startProgress } from '../src/progress.js';

/** A stream collecting what is written, a terminal or not. */
function sink(tty: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY: tty, columns: 120, rows: 40 });
  return { stream, text: () => chunks.join('') };
}

// Terminal control sequences, removed to read what the bars say.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is the point
const controls = /\u001b\[[0-9;?]*[A-Za-z]/g;

describe('conformance progress', () => {
  test('on a terminal: one bar per engine, its scenarios done of its total, then its time', () => {
    const { stream, text } = sink(true);
    const p = startProgress(['tape', 'forward'], stream);
    p.start('tape', 3);
    for (let i = 0; i < 3; i++) p.tick();
    p.done('1.5 s');
    p.start('forward', 2);
    p.tick();
    p.stop();
    const out = text().replace(controls, '');
    expect(out).toMatch(/tape {4}\S+ 3\/3 scenarios \| 1\.5 s/);
    expect(out).toMatch(/forward \S+ 1\/2 scenarios/);
  });

  test('not on a terminal: no bar, one line per engine once it is done', () => {
    const { stream, text } = sink(false);
    const p = startProgress(['tape', 'forward'], stream);
    p.start('tape', 3);
    for (let i = 0; i < 3; i++) p.tick();
    p.done('1.5 s');
    p.start('forward', 2);
    p.tick();
    p.tick();
    p.done('0.5 s');
    p.stop();
    expect(text()).toBe('tape: 1.5 s\nforward: 0.5 s\n');
  });
});
