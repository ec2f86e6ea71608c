/**
 * Every test ends with a turn of the event loop.
 *
 * A vitest worker reports results to the main process by RPC calls (`onTaskUpdate`) that time
 * out after 60 s, on a timer of the worker. Between synchronous tests the runner awaits only
 * promises, so the worker's event loop does not turn: the main process's answers wait unread in
 * the IPC pipe. When a file's synchronous tests run for more than 60 s in all (the conformance
 * suite of an engine, tfjs's thousand-call memory tests, sooner on a loaded machine), the loop's
 * next turn runs the expired timers before it reads the answers, and vitest ends with an
 * unhandled "[vitest-worker]: Timeout calling onTaskUpdate" although every test passed. Two
 * `setImmediate` turns after each test pass through the loop's poll phase, where the answers are
 * read while they are fresh; only a single test longer than 60 s could still time out. (A
 * browser's loop turns between tasks; a `setTimeout` turn is enough there.)
 *
 * The timer functions are taken when this file loads, before any test can fake them.
 */
import { afterEach } from 'vitest';

const turn: () => Promise<void> =
  typeof globalThis.setImmediate === 'function'
    ? (
        (setImmediate) => () =>
          new Promise<void>((resolve) => setImmediate(() => resolve()))
      )(globalThis.setImmediate)
    : (
        (setTimeout) => () =>
          new Promise<void>((resolve) => setTimeout(resolve, 0))
      )(globalThis.setTimeout);

afterEach(async () => {
  await turn();
  await turn();
});
