/**
 * What an argument is and how to fix it, for the messages of `InvalidInputError`: shared by the
 * portable math, the contexts and the pytree walker so every message says the same thing.
 */
import { Buffer } from './buffer.js';
import { Tracer } from './trace.js';
import { NDArray, formatShape } from './values.js';

/** "an Array of length 2", "a Float32Array of length 3", "a string ('1')", "undefined" … */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)})`;
  if (typeof v === 'bigint') return `a bigint (${v}n)`;
  if (typeof v === 'boolean') return `a boolean (${v})`;
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  if (v instanceof Tracer) return `a traced value of shape ${formatShape(v.shape)}`;
  if (v instanceof NDArray) return `an NDArray of shape ${formatShape(v.shape)}`;
  if (v instanceof Buffer) return `a Buffer of shape ${formatShape(v.shape)}`;
  if (Array.isArray(v)) return `an Array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) {
    const name = v.constructor.name;
    const length = (v as unknown as { length?: number }).length;
    return `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}${length === undefined ? '' : ` of length ${length}`}`;
  }
  const name = Object.getPrototypeOf(v)?.constructor?.name;
  return name && name !== 'Object' ? `an object of class ${name}` : 'a plain object';
}

/** The fix for a value that is not a number, Float64Array, NDArray or traced value. */
export function fixForValue(v: unknown): string {
  if (Array.isArray(v)) {
    return (
      'A number[] is not a vector in diffint (given as x, it is a pytree of scalars, and f receives an ' +
      'array of scalars): convert it with Float64Array.from(…), or join scalars with m.stack([…]).'
    );
  }
  if (v instanceof Buffer) return 'Read a buffer with buf.get(i) or buf.read().';
  if (ArrayBuffer.isView(v)) return 'diffint computes in float64: convert it with Float64Array.from(…).';
  if (typeof v === 'string') return 'Parse it into a number first, for example with Number(s).';
  if (typeof v === 'bigint') return 'Convert it with Number(v).';
  if (typeof v === 'boolean') return 'Use 1 and 0 (the comparisons of @diffint/core/math return them).';
  if (v === undefined) return 'An argument is missing, or an index was out of range of a JS array.';
  return 'Values are numbers, Float64Arrays, NDArrays or values being differentiated.';
}
