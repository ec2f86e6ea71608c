import { describeValue, fixForValue } from './describe.js';
import { InvalidInputError, ShapeMismatchError, TracedValueError } from './errors.js';
import * as m from './math/ops.js';
import { type Trace, Tracer, type Value, shapeOf } from './trace.js';
import { NDArray, type Shape, formatShape, fromData, plainData, sameShape, sizeOf } from './values.js';

/**
 * A library-managed mutable array: the scratch space of code that avoids allocation.
 *
 * Written with a traced value, a slot holds that value for the rest of the differentiation (a
 * write replaces the slot's value, a read returns the latest), so reads after writes are
 * differentiated correctly. When the differentiation ends the buffer holds primal values again,
 * exactly as a plain call would have left it. Operators that evaluate `f` several times restore
 * the buffers `f` wrote before each further evaluation (see `Journal`).
 *
 * Indices are flat (row-major) positions; `get(i, j)` indexes a matrix buffer by row and column.
 */
export class Buffer {
  readonly shape: Shape;
  readonly size: number;
  /** The plain contents, where no traced value overrides them. */
  private data: Float64Array;
  /** A traced value for the whole buffer (after `assign` or `fill` with one). */
  private whole: Tracer | null = null;
  /**
   * Per-slot values written on top of `data` or `whole` (traced, or plain over a traced whole),
   * indexed by flat position; `slotCount` of them are set.
   */
  private slots: (Value | undefined)[] | null = null;
  private slotCount = 0;
  /**
   * Positions holding tracers that their trace packs into integers (`Trace.pack`), all of one
   * trace: the packed id at each flat position, or -1. A packed position has no entry in `slots`.
   */
  private packedBy: Trace | null = null;
  private packed: Int32Array | null = null;
  private packedCount = 0;
  /** @internal The open journals had all noted this buffer when `journalEpoch` had this value. */
  noted = -1;
  /** The trace of the last traced write, already told about this buffer (cleared when it settles). */
  private writtenBy: Trace | null = null;

  constructor(shapeOrData: number | Shape | Float64Array | NDArray) {
    if (typeof shapeOrData === 'number') {
      if (!Number.isInteger(shapeOrData) || shapeOrData < 0) {
        throw new InvalidInputError(`buffer(n): n must be a non-negative integer, got ${shapeOrData}.`);
      }
      this.shape = [shapeOrData];
      this.data = new Float64Array(shapeOrData);
    } else if (shapeOrData instanceof Float64Array) {
      this.shape = [shapeOrData.length];
      this.data = shapeOrData.slice();
    } else if (shapeOrData instanceof NDArray) {
      this.shape = shapeOrData.shape;
      this.data = shapeOrData.data.slice();
    } else if (Array.isArray(shapeOrData) && shapeOrData.every((d) => Number.isInteger(d) && d >= 0)) {
      this.shape = Object.freeze([...shapeOrData]);
      this.data = new Float64Array(sizeOf(shapeOrData));
    } else {
      throw new InvalidInputError(
        'buffer(init): init must be a length, a shape (array of non-negative integers), a Float64Array or an NDArray.',
      );
    }
    this.size = this.data.length;
  }

  /** The element at flat index `i` (or at row `i`, column `j` of a matrix buffer). */
  get(i: number, j?: number): Value {
    const k = this.index(i, j);
    if (this.packed !== null) {
      const id = this.packed[k]!;
      if (id >= 0) return this.packedBy!.unpack!(id);
    }
    const s = this.slots?.[k];
    if (s !== undefined) return s;
    if (this.whole !== null) return m.get(m.reshape(this.whole, [this.size]), k);
    if (bufferObserver !== null) bufferObserver.read(this, k, this.data[k]!);
    return this.data[k]!;
  }

  /** Writes a scalar at flat index `i` (or row `i`, column `j`). */
  set(i: number, v: Value): void;
  set(i: number, j: number, v: Value): void;
  set(i: number, jOrV: Value, maybeV?: Value): void {
    const k = maybeV === undefined ? this.index(i) : this.index(i, jOrV as number);
    const v = scalarArgument('buffer.set', maybeV === undefined ? jOrV : maybeV);
    noteWrite(this);
    if (bufferObserver !== null) bufferObserver.write(this, k);
    if (v instanceof Tracer) {
      if (!this.packSlot(k, v)) {
        this.unpackSlot(k);
        this.setSlot(k, v);
      }
      if (this.writtenBy !== v.trace) {
        v.trace.wrote(this);
        this.writtenBy = v.trace;
      }
      return;
    }
    this.unpackSlot(k);
    if (this.whole === null) {
      this.data[k] = v as number;
      if (this.slots !== null && this.slots[k] !== undefined) this.clearSlot(k);
    } else {
      this.setSlot(k, v);
    }
  }

  /**
   * @internal Writes `values[vars[i]]` at flat index `indices[i]` for each i: what a replayed
   * call leaves in a buffer, in one pass when the buffer holds plain values only.
   */
  setElements(indices: Int32Array, values: Float64Array, vars: Int32Array): void {
    if (this.whole !== null || this.slots !== null || this.packed !== null) {
      for (let i = 0; i < indices.length; i++) this.set(indices[i]!, values[vars[i]!]!);
      return;
    }
    noteWrite(this);
    const data = this.data;
    for (let i = 0; i < indices.length; i++) data[indices[i]!] = values[vars[i]!]!;
  }

  /** Sets every element to the scalar `v`. */
  fill(v: Value): void {
    const s = scalarArgument('buffer.fill', v);
    if (s instanceof Tracer) this.assign(m.broadcastTo(s, this.shape));
    else {
      noteWrite(this);
      if (bufferObserver !== null) bufferObserver.write(this, -1);
      this.data.fill(s);
      this.whole = null;
      this.clearSlots();
      this.clearPacked();
    }
  }

  /** Replaces the whole contents with `v` (of the buffer's shape, or of its size). */
  assign(v: Value): void {
    if (!isValue(v)) {
      throw new InvalidInputError(
        `buffer.assign: the value is ${describeValue(v)}; it must be a number, a Float64Array, an NDArray ` +
          `or a value being differentiated. ${fixForValue(v)}`,
      );
    }
    const s = shapeOf(v);
    if (!sameShape(s, this.shape) && sizeOf(s) !== this.size) {
      throw new ShapeMismatchError(
        `buffer.assign: the buffer has shape ${formatShape(this.shape)}, the value ${formatShape(s)}.`,
      );
    }
    noteWrite(this);
    if (bufferObserver !== null) bufferObserver.write(this, -1);
    this.clearSlots();
    this.clearPacked();
    if (v instanceof Tracer) {
      this.whole = m.reshape(v, this.shape) as Tracer;
      this.whole.trace.wrote(this);
    } else {
      this.data.set(plainData(v));
      this.whole = null;
    }
  }

  /** The whole contents as a value of the buffer's shape (a fresh copy when plain). */
  read(): Value {
    if (this.slots === null && this.packed === null) {
      if (bufferObserver !== null && this.whole === null) {
        for (let k = 0; k < this.size; k++) bufferObserver.read(this, k, this.data[k]!);
      }
      return this.whole ?? fromData(this.data.slice(), this.shape);
    }
    const elements: Value[] = new Array(this.size);
    for (let k = 0; k < this.size; k++) elements[k] = this.get(k);
    return m.reshape(m.stack(elements), this.shape);
  }

  /** The contents as plain numbers; throws `TracedValueError` while a slot holds a traced value. */
  toFloat64Array(): Float64Array {
    const v = this.read();
    if (v instanceof Tracer)
      throw new TracedValueError('buffer.toFloat64Array() was called while it holds traced values');
    // `read` returns a fresh copy: its array is the caller's.
    return typeof v === 'number' ? Float64Array.of(v) : plainData(v);
  }

  /** @internal Replaces the values of `trace` by their primals (called when the trace ends). */
  settle(trace: Trace): void {
    if (this.writtenBy === trace) this.writtenBy = null;
    if (this.whole !== null && this.whole.trace === trace) {
      const p = trace.primal(this.whole);
      if (p instanceof Tracer) {
        this.whole = p;
        p.trace.wrote(this);
      } else {
        this.whole = null;
        this.data.set(plainData(p));
      }
    }
    if (this.packedBy === trace) {
      const packed = this.packed!;
      this.clearPacked();
      for (let k = 0; k < packed.length; k++) {
        const id = packed[k]!;
        if (id < 0) continue;
        const p = trace.primal(trace.unpack!(id));
        if (this.whole === null && typeof p === 'number') this.data[k] = p;
        else {
          this.setSlot(k, p);
          if (p instanceof Tracer) p.trace.wrote(this);
        }
      }
    }
    const slots = this.slots;
    if (slots !== null) {
      for (let k = 0; k < slots.length; k++) {
        const v = slots[k];
        if (v instanceof Tracer && v.trace === trace) {
          const p = trace.primal(v);
          slots[k] = p;
          if (p instanceof Tracer) p.trace.wrote(this);
        }
      }
      if (this.whole === null) {
        for (let k = 0; k < slots.length; k++) {
          const v = slots[k];
          if (v !== undefined && !(v instanceof Tracer)) {
            this.data[k] = v as number;
            this.clearSlot(k);
          }
        }
      }
    }
  }

  /**
   * @internal Replaces the values of differentiations that have already ended by their primals:
   * a snapshot restored after a nested evaluation may hold them.
   */
  settleEnded(): void {
    for (let t = this.endedTrace(); t !== null; t = this.endedTrace()) this.settle(t);
  }

  private endedTrace(): Trace | null {
    if (this.whole !== null && !this.whole.trace.active) return this.whole.trace;
    if (this.packedBy !== null && !this.packedBy.active) return this.packedBy;
    if (this.slots !== null) {
      for (const v of this.slots) if (v instanceof Tracer && !v.trace.active) return v.trace;
    }
    return null;
  }

  /** @internal Appends the tracers of `trace` held here unpacked: what settling will read the primal of. */
  heldBy(trace: Trace, out: Tracer[]): void {
    if (this.whole !== null && this.whole.trace === trace) out.push(this.whole);
    const slots = this.slots;
    if (slots === null) return;
    for (let k = 0; k < slots.length; k++) {
      const v = slots[k];
      if (v instanceof Tracer && v.trace === trace) out.push(v);
    }
  }

  /** @internal */
  snapshot(): BufferSnapshot {
    if (this.whole !== null) this.whole.trace.snapshotted = true;
    if (this.packedBy !== null) this.packedBy.snapshotted = true;
    const slots = this.slots;
    if (slots !== null) {
      for (let k = 0; k < slots.length; k++) {
        const v = slots[k];
        if (v instanceof Tracer) v.trace.snapshotted = true;
      }
    }
    return {
      // A small copy as a JS array stays on the JS heap; a typed-array copy costs an allocation.
      data: this.size <= 64 ? Array.from(this.data) : this.data.slice(),
      whole: this.whole,
      slots: this.slots?.slice() ?? null,
      packedBy: this.packedBy,
      packed: this.packed?.slice() ?? null,
    };
  }

  /** @internal */
  restore(s: BufferSnapshot): void {
    this.data.set(s.data);
    this.whole = s.whole;
    this.slots = s.slots?.slice() ?? null;
    this.slotCount = 0;
    if (this.slots !== null) for (const v of this.slots) if (v !== undefined) this.slotCount++;
    if (this.slotCount === 0) this.slots = null;
    this.packedBy = s.packedBy;
    this.packed = s.packed?.slice() ?? null;
    this.packedCount = 0;
    if (this.packed !== null) for (const id of this.packed) if (id >= 0) this.packedCount++;
    if (this.packedCount === 0) this.clearPacked();
  }

  /**
   * @internal How the contents are held, for the tests of the bookkeeping (no result depends on
   * it, only memory): per position `.` plain data, `w` the traced whole, `p` a packed tracer, `t`
   * a traced slot, `n` a plain number in a slot; the slot and packed counts (null: no array); and
   * whether the buffer still refers to the trace of its last traced write.
   */
  layout(): BufferLayout {
    let cells = '';
    for (let k = 0; k < this.size; k++) {
      const s = this.slots?.[k];
      if (this.packed !== null && this.packed[k]! >= 0) cells += 'p';
      else if (s instanceof Tracer) cells += 't';
      else if (s !== undefined) cells += 'n';
      else cells += this.whole !== null ? 'w' : '.';
    }
    return {
      cells,
      slots: this.slots === null ? null : this.slotCount,
      packed: this.packed === null ? null : this.packedCount,
      writtenBy: this.writtenBy !== null,
    };
  }

  /** Keeps `v` packed at `k` if its trace packs it and no other trace's tracers are packed here. */
  private packSlot(k: number, v: Tracer): boolean {
    const t = v.trace;
    if (t.pack === undefined || (this.packedBy !== null && this.packedBy !== t)) return false;
    const id = t.pack(v);
    if (id < 0 || id > 0x7fffffff) return false;
    if (this.slots !== null && this.slots[k] !== undefined) this.clearSlot(k);
    if (this.packed === null) {
      this.packed = new Int32Array(this.size).fill(-1);
      this.packedBy = t;
    }
    if (this.packed[k]! < 0) this.packedCount++;
    this.packed[k] = id;
    return true;
  }

  private unpackSlot(k: number): void {
    if (this.packed === null || this.packed[k]! < 0) return;
    this.packed[k] = -1;
    if (--this.packedCount === 0) this.clearPacked();
  }

  private clearPacked(): void {
    this.packedBy = null;
    this.packed = null;
    this.packedCount = 0;
  }

  private setSlot(k: number, v: Value): void {
    const slots = (this.slots ??= new Array<Value | undefined>(this.size).fill(undefined));
    if (slots[k] === undefined) this.slotCount++;
    slots[k] = v;
  }

  private clearSlot(k: number): void {
    this.slots![k] = undefined;
    if (--this.slotCount === 0) this.slots = null;
  }

  private clearSlots(): void {
    this.slots = null;
    this.slotCount = 0;
  }

  private index(i: number, j?: number): number {
    const k = j === undefined ? i : i * (this.shape[this.shape.length - 1] ?? 1) + j;
    if (!Number.isInteger(k) || k < 0 || k >= this.size || (j !== undefined && this.shape.length !== 2)) {
      throw new InvalidInputError(
        `buffer index ${j === undefined ? i : `(${i}, ${j})`} is out of range for a buffer of shape ${formatShape(this.shape)}.`,
      );
    }
    return k;
  }
}

/**
 * @internal Told of buffer accesses while set (a replay recording what f reads and writes):
 * `read` of an element whose plain contents a read returns, `write` of an element (-1: all).
 */
export interface BufferObserver {
  read(b: Buffer, k: number, value: number): void;
  write(b: Buffer, k: number): void;
}

let bufferObserver: BufferObserver | null = null;

/** @internal Sets the buffer observer (null: none); returns the previous one. */
export function observeBuffers(o: BufferObserver | null): BufferObserver | null {
  const prev = bufferObserver;
  bufferObserver = o;
  return prev;
}

export interface BufferSnapshot {
  readonly data: Float64Array | readonly number[];
  readonly whole: Tracer | null;
  readonly slots: readonly (Value | undefined)[] | null;
  readonly packedBy: Trace | null;
  readonly packed: Int32Array | null;
}

/** @internal See `Buffer.layout`. */
export interface BufferLayout {
  readonly cells: string;
  readonly slots: number | null;
  readonly packed: number | null;
  readonly writtenBy: boolean;
}

/** A new library-managed buffer: of length n, of a shape, or holding a copy of an array. */
export function buffer(init: number | Shape | Float64Array | NDArray): Buffer {
  return new Buffer(init);
}

/**
 * Records the state of every buffer written while it is open, so that each evaluation of `f`
 * by one operator can start from the state the call began with.
 */
export class Journal {
  /** The state of each buffer written, from before its first write (made on the first). */
  private before: Map<Buffer, BufferSnapshot> | null = null;
  private afterFirst: Map<Buffer, BufferSnapshot> | null = null;
  private evaluations = 0;
  /** @internal Closed and kept for reuse (a second close must not list it twice). */
  released = false;

  /** Call before each evaluation of f. */
  beginEvaluation(): void {
    if (this.evaluations++ === 0) return;
    const before = this.before;
    if (this.afterFirst === null) {
      this.afterFirst = new Map();
      if (before !== null) for (const b of before.keys()) this.afterFirst.set(b, b.snapshot());
    }
    if (before !== null) for (const [b, s] of before) b.restore(s);
  }

  /** Leaves the buffers as the first evaluation (the one at x itself) left them. */
  close(): void {
    unlist(this);
    if (this.afterFirst !== null && this.before !== null) {
      for (const [b, s] of this.before) {
        b.restore(this.afterFirst.get(b) ?? s);
        b.settleEnded();
      }
    }
    this.release();
  }

  /** Closes the journal leaving every buffer as it was when the journal opened. */
  rollback(): void {
    unlist(this);
    if (this.before !== null) {
      for (const [b, s] of this.before) {
        b.restore(s);
        b.settleEnded();
      }
    }
    this.release();
  }

  /** Empties the closed journal and keeps it for the next `openJournal` (no journal per call). */
  private release(): void {
    if (this.released) return;
    this.released = true;
    this.before = null;
    this.afterFirst = null;
    this.evaluations = 0;
    if (freeJournals.length < 8) freeJournals.push(this);
  }

  /** @internal */
  note(b: Buffer): void {
    const before = (this.before ??= new Map());
    if (!before.has(b)) before.set(b, b.snapshot());
  }
}

const journals: Journal[] = [];
/** Closed journals, emptied, for `openJournal` to reopen. */
const freeJournals: Journal[] = [];

/** Takes a closing journal off the list (the last one, but for a journal closed out of order). */
function unlist(j: Journal): void {
  if (journals[journals.length - 1] === j) journals.pop();
  else {
    const i = journals.lastIndexOf(j);
    if (i >= 0) journals.splice(i, 1);
  }
  journalEpoch++;
}
/** Changes whenever a journal opens or closes: a buffer noted in this epoch needs no new note. */
let journalEpoch = 0;

/** Opens a journal; every buffer written until it is closed is recorded in it. */
export function openJournal(): Journal {
  const j = freeJournals.pop() ?? new Journal();
  j.released = false;
  journals.push(j);
  journalEpoch++;
  return j;
}

/** @internal The journals open now (a closed one must not stay listed: it would note every later write). */
export function openJournalCount(): number {
  return journals.length;
}

function noteWrite(b: Buffer): void {
  if (b.noted === journalEpoch) return;
  for (let i = 0; i < journals.length; i++) journals[i]!.note(b);
  b.noted = journalEpoch;
}

function isValue(v: unknown): v is Value {
  return typeof v === 'number' || v instanceof Tracer || v instanceof Float64Array || v instanceof NDArray;
}

/**
 * A scalar argument as a number or a scalar tracer: a 0-d `NDArray` is accepted as the number it
 * holds, as everywhere a scalar is; anything of another shape is a `ShapeMismatchError`.
 */
function scalarArgument(op: string, v: unknown): number | Tracer {
  if (typeof v === 'number') return v;
  if (v instanceof Tracer || v instanceof NDArray || v instanceof Float64Array) {
    const s = shapeOf(v);
    if (s.length !== 0) {
      throw new ShapeMismatchError(
        `${op}: needs a scalar (a number, or a value of shape []), got a value of shape ${formatShape(s)}. ` +
          'Write an array with buf.assign(v), or one element with buf.set(i, m.get(v, j)).',
      );
    }
    return v instanceof NDArray ? v.data[0]! : (v as Tracer);
  }
  throw new InvalidInputError(
    `${op}: the value is ${describeValue(v)}; it must be a number or a scalar value being differentiated. ${fixForValue(v)}`,
  );
}
