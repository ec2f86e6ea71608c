/**
 * Results are always fresh: core copies what an engine returns before handing it to the user,
 * because a result may share memory with an input, a seed or another result. An engine that
 * allocates a result itself, and keeps no reference to it, hands it over instead, and core
 * returns it without the copy.
 *
 * A call hands over a few arrays and core takes them over before it returns, so they are kept
 * in a handful of slots (a weak set costs an identity hash per array); more go to a weak set.
 * The slots are emptied when a call begins (`releaseHandedOver`): an array nobody took over by
 * then is not kept alive, and forgetting one only costs a copy.
 *
 * An array core took over and only copied (into the caller's `out`) is nobody's: it is kept as a
 * spare (`recycle`), and the next fresh array of its length an engine asks for (`freshArray`) is
 * that one, zeroed — a steady loop of `gradientInto` calls allocates no result array.
 */
import { type Plain, plainData } from './values.js';

const slots: (Float64Array | null)[] = [null, null, null, null];
let overflow = new WeakSet<Float64Array>();
let overflowUsed = false;

/** Marks a freshly allocated value that nothing else references: core may return it as is. */
export function handOver<T extends Plain>(v: T): T {
  if (typeof v === 'number') return v;
  const data = plainData(v);
  for (let i = 0; i < slots.length; i++) {
    if (slots[i] === null) {
      slots[i] = data;
      return v;
    }
  }
  overflow.add(data);
  overflowUsed = true;
  return v;
}

/** True (once) for data an engine handed over. */
export function takeOver(data: Float64Array): boolean {
  for (let i = 0; i < slots.length; i++) {
    if (slots[i] === data) {
      slots[i] = null;
      return true;
    }
  }
  return overflowUsed && overflow.delete(data);
}

/** Forgets what was handed over and not taken: called as an operator's call begins. */
export function releaseHandedOver(): void {
  for (let i = 0; i < slots.length; i++) slots[i] = null;
  if (overflowUsed) {
    overflow = new WeakSet();
    overflowUsed = false;
  }
}

/** Spare arrays, by no particular order; at most `spareCount` of them and `spareBytes` in all. */
const spares: Float64Array[] = [];
const spareCount = 4;
const spareBytes = 1 << 24;
let spareTotal = 0;

/** A zeroed array of `n` elements, for an engine to fill and hand over: a spare, else a new one. */
export function freshArray(n: number): Float64Array {
  for (let i = spares.length - 1; i >= 0; i--) {
    const a = spares[i]!;
    if (a.length === n) {
      spares[i] = spares[spares.length - 1]!;
      spares.pop();
      spareTotal -= a.byteLength;
      return a.fill(0);
    }
  }
  return new Float64Array(n);
}

/**
 * Keeps `data` as a spare: core took it over (`takeOver` returned true) and copied it, so nothing
 * refers to it any more. A spare is reused whole, so only arrays that own their memory are kept.
 */
export function recycle(data: Float64Array): void {
  if (data.byteOffset !== 0 || data.byteLength !== data.buffer.byteLength) return;
  if (spares.length === spareCount || spareTotal + data.byteLength > spareBytes) return;
  spares.push(data);
  spareTotal += data.byteLength;
}
