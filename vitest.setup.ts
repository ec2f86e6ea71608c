import { afterEach } from 'vitest';

/**
 * Gives the event loop a full turn after each test. A test worker reports progress to vitest's
 * main process over an RPC channel whose calls time out after 60 s; the timeout and the reply
 * are both events of the loop, and a run of synchronous tests never returns to it, so a file
 * whose synchronous tests add up to more than a minute (a loaded machine, the memory tests) saw
 * the timeout fire before the reply was read: "[vitest-worker]: Timeout calling onTaskUpdate",
 * with every test passed. Two `setImmediate` turns pass through the loop's poll phase, where the
 * reply is read; each test alone stays far below the minute.
 */
afterEach(async () => {
  if (typeof setImmediate !== 'function') return; // a browser: its loop turns between tasks
  await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setImmediate(resolve));
});
