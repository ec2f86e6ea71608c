/**
 * `node:util` in the browser run: `inspect` as Node applies it to an object with a custom
 * inspector (`Symbol.for('nodejs.util.inspect.custom')`), which is what the tests print values
 * with; anything else is shown with `String`.
 */
const custom = Symbol.for('nodejs.util.inspect.custom');

export function inspect(value: unknown): string {
  const hook = (value as { [custom]?: () => string } | null)?.[custom];
  return typeof hook === 'function' ? hook.call(value) : String(value);
}

export default { inspect };
