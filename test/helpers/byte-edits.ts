// Near misses for the fuzz tests: a valid input with a few bytes replaced, inserted or removed.
import fc from 'fast-check';

/** How many edits an input gets, and which bytes they put in. */
export interface ByteEdits {
  /** Bytes an edit inserts or writes over: the ones a parser decides on (separators, digits, CR, LF, ...). */
  readonly bytes: readonly number[];
  readonly minEdits?: number;
  readonly maxEdits: number;
}

/**
 * `valid` with up to `maxEdits` edits, each at a drawn position: insert a byte, remove one, or
 * replace one. Most results are near misses, the inputs a parser is most likely to get wrong.
 */
export function withByteEdits(valid: fc.Arbitrary<Buffer>, edits: ByteEdits): fc.Arbitrary<Buffer> {
  const edit = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 2 }), fc.constantFrom(...edits.bytes));
  return fc.tuple(valid, fc.array(edit, { minLength: edits.minEdits ?? 0, maxLength: edits.maxEdits })).map(([input, list]) => {
    const out = [...input];
    for (const [at, kind, byte] of list) {
      const i = at % (out.length + 1);
      if (kind === 0) out.splice(i, 0, byte);
      else if (kind === 1) out.splice(i, 1);
      else out[i] = byte;
    }
    return Buffer.from(out);
  });
}
