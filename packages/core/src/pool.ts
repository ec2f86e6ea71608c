/**
 * Copies of small arrays as views on shared blocks. Allocating a typed array of more than 64
 * bytes takes memory outside the JS heap, which costs far more than the copy itself; a view on a
 * block costs a heap object. Every copy is a distinct array (never handed out twice: a function
 * that memoises by reference sees a new one on every call), and a block is freed by the garbage
 * collector once no view refers to it. Blocks are 64 KiB; arrays of more than 8 KiB, and those of
 * at most 64 bytes (allocated on the heap anyway), get an array of their own.
 */
const BLOCK = 1 << 16;
const LARGEST = BLOCK / 8;
let block: ArrayBuffer | null = null;
let used = 0;

/** A copy of `v`: a fresh array, or a view on a shared block (see above). */
export function pooledCopy(v: Float64Array): Float64Array {
  const bytes = v.length * 8;
  if (bytes <= 64 || bytes > LARGEST) return new Float64Array(v);
  if (block === null || used + bytes > BLOCK) {
    block = new ArrayBuffer(BLOCK);
    used = 0;
  }
  const out = new Float64Array(block, used, v.length);
  used += bytes;
  out.set(v);
  return out;
}
