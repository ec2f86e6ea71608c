/**
 * Memory for the scalar columns and adjoints of a recording, handed out in 8-byte-aligned
 * regions of shared blocks and never reused: a small recording costs views on a block rather
 * than an allocation of its own (each costs microseconds), and a block is freed by the garbage
 * collector once no view refers to it. Blocks are 64 KiB, small enough for the allocator to
 * recycle freed memory (larger ones come fresh from the OS and fault in page by page); a region
 * larger than a quarter block gets its own allocation.
 */
const BLOCK = 1 << 16;
/** Regions larger than this get an allocation of their own. */
export const largeRegion = BLOCK / 4;
let block: ArrayBuffer | null = null;
let blockUsed = 0;

export function region(bytes: number): { readonly memory: ArrayBuffer; readonly at: number } {
  const size = (bytes + 7) & ~7;
  if (size > largeRegion) return { memory: new ArrayBuffer(size), at: 0 };
  if (block === null || blockUsed + size > BLOCK) {
    block = new ArrayBuffer(BLOCK);
    blockUsed = 0;
  }
  const at = blockUsed;
  blockUsed += size;
  return { memory: block, at };
}

/**
 * The scalar columns of a recording, one entry per slot: the slot's number, and for a scalar
 * record its argument slots (-1: a constant or a zero partial) and partials; all in one region.
 * A slot is an input or a record (`isRecord`).
 */
export class Columns {
  readonly isRecord: Uint8Array;
  readonly numbers: Float64Array;
  readonly arg0: Int32Array;
  readonly arg1: Int32Array;
  readonly d0: Float64Array;
  readonly d1: Float64Array;

  constructor(
    readonly capacity: number,
    from?: Columns,
  ) {
    const { memory, at } = region(33 * capacity);
    this.numbers = new Float64Array(memory, at, capacity);
    this.d0 = new Float64Array(memory, at + 8 * capacity, capacity);
    this.d1 = new Float64Array(memory, at + 16 * capacity, capacity);
    this.arg0 = new Int32Array(memory, at + 24 * capacity, capacity);
    this.arg1 = new Int32Array(memory, at + 28 * capacity, capacity);
    this.isRecord = new Uint8Array(memory, at + 32 * capacity, capacity);
    if (from !== undefined) {
      this.numbers.set(from.numbers);
      this.d0.set(from.d0);
      this.d1.set(from.d1);
      this.arg0.set(from.arg0);
      this.arg1.set(from.arg1);
      this.isRecord.set(from.isRecord);
    }
  }
}
