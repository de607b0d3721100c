import fc from 'fast-check';
import { Message, UnpackError, defineSpec, spec87ascii, unpack } from '@rx8583/iso8583';
import { writeAscii } from '../src/codec/ascii-table';
import { compileSpec } from '../src/codec/compile-spec';
import { written } from '../src/codec/field-codec';
import { Writer } from '../src/codec/io';
import { thrown } from './support/specs';

// unpack checks ASCII fields from a per-spec table of numbers (src/codec/ascii-table.ts) and hands
// anything that check refuses to the field's codec, which names the field, offset and problem.

const ODD_TEXT = `'"\`\${x}*/ quotes, backslash \\ and a newline\n`;

const spec = defineSpec({
  name: 'ascii fields',
  fields: {
    0: { type: 'numeric', length: 4, encoding: 'ascii' },
    1: { type: 'bitmap', length: 8, encoding: 'hex' },
    2: {
      type: 'numeric',
      length: 19,
      encoding: 'ascii',
      prefix: { digits: 2, encoding: 'ascii' },
    },
    4: { type: 'numeric', length: 12, encoding: 'ascii' },
    41: { type: 'string', length: 8, encoding: 'ascii', padding: { side: 'left', char: "'" } },
    43: { type: 'string', length: 12, encoding: 'ascii', padding: { side: 'right', char: '`' } },
    48: { type: 'string', length: 999, encoding: 'ascii', prefix: { digits: 3, encoding: 'ascii' } },
  },
});

/** What writing `text` into field `n` leaves: the bytes and the slot numbers, or the error thrown. */
function writeWith(how: 'table' | 'codec', n: number, text: string): unknown {
  const compiled = compileSpec(spec);
  const w = new Writer();
  w.begin();
  try {
    if (how === 'table') {
      if (!writeAscii(compiled.ascii, n, text, w)) return 'refused';
    } else compiled.fields[n]!.write(w, text);
  } catch {
    return 'refused';
  }
  const { data, units, value } = written;
  return { bytes: w.buf.toString('latin1', w.start, w.pos), data: data - w.start, units, value };
}

describe('new Message writing ASCII fields from the table', () => {
  // Text around the fields' lengths, with characters near the edges of each range.
  const text = fc.array(fc.constantFrom('0', '9', '/', ':', 'A', ' ', "'", '`', '\x7f', '\x80', 'é', 'Ā', '\u0130'), {
    maxLength: 22,
  });

  it.each([0, 2, 4, 41, 43, 48])('writes field %d exactly as its codec does, and refuses what it refuses', (n) => {
    expect(compileSpec(spec).ascii.inline[n]).toBe(1);
    fc.assert(
      fc.property(text, (chars) => {
        const value = chars.join('');
        expect(writeWith('table', n, value)).toEqual(writeWith('codec', n, value));
      }),
      { numRuns: 2000 },
    );
  });

  it('zero-fills short fixed numerics as the codec does (spec87ascii field 4)', () => {
    const built = new Message(spec87ascii, { mti: '0100', fields: { 4: '1500', 11: '000001' } });
    expect(built.get(4)).toBe('000000001500');
    expect(Buffer.from(built.fieldBytes(4)!).toString('latin1')).toBe('000000001500');
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{0,13}$/), (digits) => {
        const table = new Writer();
        table.begin();
        const compiled = compileSpec(spec87ascii);
        const accepted = writeAscii(compiled.ascii, 4, digits, table);
        expect(accepted).toBe(digits.length <= 12);
        if (accepted) expect(table.buf.toString('latin1', table.start, table.pos)).toBe(digits.padStart(12, '0'));
      }),
    );
  });
});

describe("unpack's check of ASCII fields", () => {
  it('checks prefixed, padded and fixed ASCII fields whatever their text and pad characters', () => {
    const message = new Message(spec, {
      mti: '0100',
      fields: { 2: '4111111111111111', 41: 'T1', 43: 'SHOP', 48: ODD_TEXT },
    });
    const bytes = message.pack();
    expect(Buffer.from(bytes).toString('latin1')).toContain("''''''T1SHOP````````");
    const back = unpack(spec, bytes);
    expect([back.get(2), back.get(41), back.get(43), back.get(48)]).toEqual([
      '4111111111111111',
      'T1',
      'SHOP',
      ODD_TEXT,
    ]);
  });

  it('hands a field it refuses to the field codec, which names the field and offset', () => {
    const bytes = Buffer.from(new Message(spec, { mti: '0100', fields: { 2: '4111111111111111', 41: 'T1' } }).pack());
    const pan = bytes.indexOf('4111');
    const badDigit = Buffer.from(bytes);
    badDigit[pan + 3] = 0x41;
    expect(thrown(() => unpack(spec, badDigit))).toMatchObject({
      name: 'UnpackError',
      field: 2,
      offset: pan,
      problem: `byte at offset ${pan + 3} is not an ASCII digit`,
    });
    const badPrefix = Buffer.from(bytes);
    badPrefix[pan - 1] = 0x20;
    expect(thrown(() => unpack(spec, badPrefix))).toMatchObject({
      name: 'UnpackError',
      field: 2,
      offset: pan - 2,
      problem: 'length prefix is not numeric',
    });
    expect(thrown(() => unpack(spec, bytes.subarray(0, bytes.length - 1)))).toMatchObject({
      name: 'UnpackError',
      field: 41,
      problem: 'data needs 8 bytes, 7 left',
    });
  });

  it('accepts only what the field codecs accept: every field of a message it lets through can be set again', () => {
    const valid = Buffer.from(
      new Message(spec, { mti: '0100', fields: { 2: '4111111111111111', 41: 'T1', 43: 'SHOP', 48: 'ABC 123' } }).pack(),
    );
    const mutation = fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 3,
    });
    let accepted = 0;
    fc.assert(
      fc.property(mutation, (changes) => {
        const bytes = Buffer.from(valid);
        for (const [at, byte] of changes) bytes[at] = byte;
        let back: Message;
        try {
          back = unpack(spec, bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(UnpackError);
          return;
        }
        accepted++;
        // set runs the field codecs' checks: a byte the table let through that a codec refuses throws here
        const fields = Object.fromEntries(back.fieldNumbers().map((n) => [n, back.get(n)!]));
        expect(new Message(spec, { mti: back.mti, fields }).fieldNumbers()).toEqual(back.fieldNumbers());
      }),
      { numRuns: 3000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
