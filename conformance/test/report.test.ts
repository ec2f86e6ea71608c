import { NDArray } from '@diffint/core';
import { tape } from '@diffint/tape';
import { describe, expect, test } from 'vitest';
import {
  buildReport,
  compare,
  formatHtml,
  formatJson,
  formatMarkdown,
  formatText,
  runBackend,
  failed,
  type ScenarioReport,
  scenariosOf,
} from '../src/index.js';
import { empty, slightlyWrong } from './support/engines.js';

describe('compare', () => {
  test('scales the tolerance by the largest magnitude of the reference, at least 1', () => {
    expect(compare(Float64Array.of(1000.001, 0), Float64Array.of(1000, 0), 1e-6).problem).toBeNull();
    expect(compare(Float64Array.of(1000.01, 0), Float64Array.of(1000, 0), 1e-6).problem).toMatch(
      /result\[0\]/,
    );
    expect(compare(1e-7, 0, 1e-6).problem).toBeNull();
  });

  test('NaN never matches; leaf kinds and shapes must be those of the reference', () => {
    expect(compare(Number.NaN, 0, 1).problem).toMatch(/relative error Infinity/);
    const v = Float64Array.of(1, 2, 3, 4);
    expect(compare(new NDArray(v, [2, 2]), v, 1).problem).toMatch(/^structure/);
    expect(compare({ a: 1 }, { b: 1 }, 1).problem).toMatch(/^structure/);
    expect(compare([1, v], [1, v.slice()], 0).problem).toBeNull();
  });
});

describe('the report', () => {
  const family = scenariosOf('closure-cache');
  const entries = [
    { name: 'tape', backend: tape() },
    { name: 'wrong', backend: slightlyWrong() },
    { name: 'empty', backend: empty() },
  ];
  const results = entries.flatMap((e) => runBackend(e, family));
  const report = buildReport(
    entries,
    [{ name: 'absentee', reason: 'does not export absentee() yet' }],
    results,
  );

  test('counts pass, fail and unsupported per backend', () => {
    const [t, w, e] = report.backends;
    expect(t!.counts).toEqual({ pass: family.length, fail: 0, unsupported: 0 });
    expect(w!.counts.fail).toBeGreaterThan(0);
    expect(e!.counts).toEqual({ pass: 0, fail: 0, unsupported: family.length });
    expect(failed(report)).toBe(true);
    expect(
      failed(
        buildReport(
          [entries[0]!],
          [],
          results.filter((r) => r.backend === 'tape'),
        ),
      ),
    ).toBe(false);
  });

  test('the text matrix has a column per backend, a row per family operator, and lists failures and absentees', () => {
    const text = formatText(report);
    expect(text.split('\n')[0]).toMatch(/^family\s+operator\s+tape\s+wrong\s+empty$/);
    expect(text).toMatch(/closure-cache\s+jacobian\s+5✓\s+\S/);
    expect(text).toMatch(/not in the matrix: absentee \(does not export absentee\(\) yet\)/);
    expect(text).toMatch(/✗ wrong {2}closure-cache\//);
  });

  test('Markdown and JSON carry the same results', () => {
    const md = formatMarkdown(report);
    expect(md).toMatch(/^# Conformance report/);
    expect(md).toMatch(/\| `tape` \| float64 \| 1e-10 \/ 1e-8 \|/);
    const json = JSON.parse(formatJson(report));
    expect(json.results).toHaveLength(results.length);
    expect(json.absent).toEqual([{ name: 'absentee', reason: 'does not export absentee() yet' }]);
    const failedOne = json.results.find((r: { status: string }) => r.status === 'fail');
    expect(failedOne.variants.length).toBeGreaterThan(0);
  });

  test('the HTML page colours each cell by outcome and details every failing scenario', () => {
    const html = formatHtml(report);
    expect(html).toMatch(/^<!doctype html>/);
    const classes = (row: string) => [...row.matchAll(/<td class="cell (\w+)">/g)].map((m) => m[1]);
    const total = html.split('\n').find((l) => l.startsWith('<tr class="total">'))!;
    expect(classes(total)).toEqual(['pass', 'fail', 'unsupported']);
    const header = html.split('\n').find((l) => l.startsWith('<thead><tr><th>family'))!;
    expect(header).toBe(
      '<thead><tr><th>family</th><th>operator</th><th>tape</th><th>wrong</th><th>empty</th></tr></thead>',
    );
    const failures = results.filter((r) => r.status === 'fail');
    expect(failures.length).toBeGreaterThan(0);
    expect(html).toContain(`<h2 id="failures">Failures (${failures.length})</h2>`);
    expect(html.match(/<details class="fail" open>/g)).toHaveLength(failures.length);
    for (const f of failures) {
      expect(html).toContain(`<code>wrong</code> · <code>${f.scenario}</code>`);
      for (const v of f.variants.filter((v) => v.status === 'fail')) expect(html).toContain(v.variant);
    }
    expect(html.match(/<li class="unsupported"><code>empty<\/code>/g)).toHaveLength(family.length);
    expect(html).toContain('<li><code>absentee</code>: does not export absentee() yet</li>');
  });

  test('the HTML page escapes what scenarios and messages contain', () => {
    const bad: ScenarioReport = {
      backend: 'tape',
      scenario: 'x/<b>&"',
      family: 'standard',
      operator: 'gradient',
      tags: [],
      status: 'fail',
      message: 'threw <script>alert(1)</script>',
      variants: [{ variant: 'one-shot', status: 'fail', message: 'a < b && c > d' }],
    };
    const html = formatHtml(buildReport([entries[0]!], [], [bad]));
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>');
    expect(html).toContain('x/&lt;b&gt;&amp;&quot;');
    expect(html).toContain('a &lt; b &amp;&amp; c &gt; d');
    expect(html).toContain('<h2 id="failures">Failures (1)</h2>');
  });
});
