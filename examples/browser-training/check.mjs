/**
 * Loads the built page in headless Debian Chromium (driven by playwright-core through the system
 * executable; no browser is downloaded), waits for the training to finish, checks its result —
 * webgl running, both engines' losses fallen below a third of where they started and agreeing —
 * and saves a screenshot. Exits non-zero on a failure.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const dist = fileURLToPath(new URL('./dist/', import.meta.url));
const screenshot = process.env.SCREENSHOT ?? join(tmpdir(), 'diffint-browser-training.png');
if (!existsSync(join(dist, 'index.html'))) throw new Error('build the page first: pnpm build');
const types = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
};

const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
    /^\/+/,
    '',
  );
  const file = join(dist, path === '' ? 'index.html' : path);
  if (!file.startsWith(dist) || !existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--use-angle=swiftshader',
    '--enable-unsafe-swiftshader',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const failures = [];
try {
  const page = await browser.newPage({ viewport: { width: 700, height: 620 } });
  page.on('pageerror', (e) => failures.push(`page error: ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => window.diffintResult !== undefined, null, { timeout: 120_000 });
  const result = await page.evaluate(() => window.diffintResult);
  await page.screenshot({ path: screenshot });
  console.log(`screenshot: ${screenshot}`);
  if (result.error) failures.push(result.error);
  else {
    if (!result.webgl) failures.push('the webgl backend did not start');
    for (const r of result.runs) {
      console.log(
        `${r.engine} (${r.backend}): loss ${r.first.toFixed(4)} → ${r.last.toFixed(4)} in ${r.ms.toFixed(0)} ms`,
      );
      if (!(r.last < r.first / 3)) failures.push(`${r.engine}: the loss did not fall below a third`);
    }
    const [a, b] = result.runs;
    if (Math.abs(a.last - b.last) > 1e-3 * Math.max(1, b.last)) failures.push('the engines disagree');
    if (result.runs[0].backend !== 'webgl') failures.push(`tfjs ran on ${result.runs[0].backend}`);
    const status = await page.textContent('#status');
    if (status !== 'done') failures.push(`the page says: ${status}`);
  }
} finally {
  await browser.close();
  server.close();
}
for (const f of failures) console.error(`FAILED: ${f}`);
process.exit(failures.length === 0 ? 0 : 1);
