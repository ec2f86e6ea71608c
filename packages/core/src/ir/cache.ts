/**
 * Per-preparation memory of compiled programs, matched by structure. f runs on every call, so
 * each call brings a fresh recording; when it has the structure of one seen before, what was
 * built for that one (compiled code, its arena, the backward program) is reused, with the new
 * recording's input values. Holds a bounded number of structures, so a function whose op
 * sequence changes on every call does not grow memory.
 */
import type { Program } from './program.js';
import { hashProgram, sameProgram } from './signature.js';

interface Slot<E> {
  readonly hash: number;
  readonly program: Program;
  readonly kinds: readonly number[];
  readonly entry: E;
}

/**
 * Compiled programs kept by the structure of the trace they came from: reused only for an identical trace.
 */
export class ProgramCache<E> {
  private readonly slots: Slot<E>[] = [];
  /** Structures built (for tests and diagnostics): a steady loop builds one. */
  builds = 0;

  constructor(
    private readonly build: (program: Program, kinds: readonly number[]) => E,
    private readonly limit = 8,
  ) {}

  /** What was built for a program of this structure, building it on first sight. */
  get(program: Program, kinds: readonly number[]): E {
    const slots = this.slots;
    // A steady loop of calls brings the structure used last: confirmed without hashing.
    const last = slots[0];
    if (last !== undefined && sameProgram(last.program, last.kinds, program, kinds)) return last.entry;
    const hash = hashProgram(program, kinds);
    for (let i = 0; i < slots.length; i++) {
      const s = slots[i]!;
      if (s.hash === hash && sameProgram(s.program, s.kinds, program, kinds)) {
        if (i > 0) {
          slots.splice(i, 1);
          slots.unshift(s);
        }
        return s.entry;
      }
    }
    const entry = this.build(program, kinds);
    this.builds++;
    slots.unshift({ hash, program, kinds: kinds.slice(), entry });
    if (slots.length > this.limit) slots.pop();
    return entry;
  }
}
