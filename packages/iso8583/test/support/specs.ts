import { defineSpec, type FieldSpec, type MessageSpec } from '@rx8583/iso8583';

/** A spec with an ASCII MTI, a binary bitmap and the given data fields. */
export function specWith(
  fields: Record<number, FieldSpec>,
  bitmap: FieldSpec = { type: 'bitmap', length: 8, encoding: 'binary' },
): MessageSpec {
  return defineSpec({
    name: 'test',
    fields: { 0: { type: 'numeric', length: 4, encoding: 'ascii' }, 1: bitmap, ...fields },
  });
}

/** Bytes from hex, ignoring spaces: `hex('30 31')`. */
export function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}

/** Upper-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

/** The error `fn` throws (fails the test when it does not throw). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

/** MTI '0100' in ASCII and a binary primary bitmap announcing only field `n` (n <= 64). */
export function headerFor(n: number): string {
  const bitmap = Buffer.alloc(8);
  bitmap[(n - 1) >> 3] = 0x80 >> ((n - 1) & 7);
  return '30313030' + bitmap.toString('hex');
}
