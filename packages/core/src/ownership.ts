/**
 * Results are always fresh: core copies what an engine returns before handing it to the user,
 * because a result may share memory with an input, a seed or another result. An engine that
 * allocates a result itself, and keeps no reference to it, hands it over instead, and core
 * returns it without the copy.
 */
import { type Plain, plainData } from './values.js';

const handedOver = new WeakSet<Float64Array>();

/** Marks a freshly allocated value that nothing else references: core may return it as is. */
export function handOver<T extends Plain>(v: T): T {
  if (typeof v !== 'number') handedOver.add(plainData(v));
  return v;
}

/** True (once) for data an engine handed over. */
export function takeOver(data: Float64Array): boolean {
  return handedOver.delete(data);
}
