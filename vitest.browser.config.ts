/**
 * The engines' tests in a real browser: vitest's browser mode in Debian's Chromium
 * (/usr/bin/chromium, or CHROMIUM_PATH), driven by Playwright through that executable, so no
 * browser is downloaded. TensorFlow.js runs on its cpu and webgl backends (webgl through
 * SwiftShader, without a GPU). Tests that spawn Node processes stay in the Node run;
 * `node:util`'s `inspect` is browser/node-util.ts.
 */
import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from './vitest.shared.js';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Headless in a container as root, WebGL in software, and no traffic to a closed network. */
const args = [
  '--headless',
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const root = new URL('.', import.meta.url).pathname;
const packages = ['core', 'tape', 'forward', 'finite-diff', 'tfjs'];
/** Node-only test files: they spawn Node processes or read Node's own state. */
const nodeOnly = ['test/node.test.ts'];

export default defineConfig({
  test: {
    projects: packages.map((name) =>
      mergeConfig(sharedConfig, {
        resolve: {
          alias: [
            { find: /^node:util$/, replacement: `${root}browser/node-util.ts` },
            ...(name === 'tfjs'
              ? [{ find: /^\.\/backends\.js$/, replacement: `${root}packages/tfjs/test/backends.browser.ts` }]
              : []),
          ],
        },
        test: {
          name: `${name} (chromium)`,
          root: `${root}packages/${name}`,
          exclude: nodeOnly,
          browser: {
            enabled: true,
            provider: 'playwright',
            headless: true,
            screenshotFailures: false,
            instances: [{ browser: 'chromium', launch: { executablePath, args } }],
          },
        },
      }),
    ),
  },
});
