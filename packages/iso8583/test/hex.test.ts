import { readFileSync } from 'node:fs';
import { Message, PackError, specFromJSON, unpack, UnpackError } from '@rx8583/iso8583';
import { specFromJposPackager } from '@rx8583/iso8583/jpos';
import { thrown, toHex } from './support/specs';

// An all-EBCDIC host (the project's own fixture): IFE_NUMERIC MTI, IFE_BITMAP, IFE_BINARY PIN block.
const spec = specFromJposPackager(readFileSync(`${__dirname}/fixtures/jpos/ebcdic.xml`, 'utf8'));

/** EBCDIC of ASCII text: digits F0-F9, A-F C1-C6 (what jPOS's ISOUtil.asciiToEbcdic gives these). */
const ebcdic = (text: string): string =>
  [...text].map((c) => (c >= '0' && c <= '9' ? `F${c}` : `C${c.charCodeAt(0) - 64}`)).join('');

describe('ebcdic-hex: bytes and bitmaps as EBCDIC hex characters (jPOS IFE_BINARY, IFE_BITMAP)', () => {
  it('imports IFE_BITMAP and IFE_BINARY and packs them as jPOS does', () => {
    expect(spec.fields[1]).toMatchObject({ type: 'bitmap', length: 8, encoding: 'ebcdic-hex' });
    expect(spec.fields[52]).toMatchObject({ type: 'binary', length: 8, encoding: 'ebcdic-hex', sensitive: 'pin' });
    const pin = Uint8Array.from([0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]);
    const bytes = new Message(spec, { mti: '0800', fields: { 11: 1, 52: pin, 70: 301 } }).pack();
    // Bits 1 (secondary follows), 11, 52; then 70 — each bitmap 16 EBCDIC hex characters.
    expect(toHex(bytes)).toBe(
      ebcdic('0800') +
        ebcdic('8020000000001000') +
        ebcdic('0400000000000000') +
        ebcdic('000001') +
        ebcdic('0123456789ABCDEF') +
        ebcdic('301'),
    );
    const back = unpack(spec, bytes);
    expect(back.get(52)).toEqual(pin);
    expect(back.fieldNumbers()).toEqual([11, 52, 70]);
  });

  it('packs a one-block bitmap without a secondary, and all-EBCDIC text and amounts', () => {
    const bytes = new Message(spec, {
      mti: '0200',
      fields: { 2: '4111111111111111', 4: 1500, 28: 'D1500', 41: 'T1' },
    }).pack();
    const primary = '5000001000800000'; // bits 2, 4, 28, 41
    expect(toHex(bytes).slice(0, 2 * (4 + 16))).toBe(ebcdic('0200') + ebcdic(primary));
    expect(unpack(spec, bytes).get(41)).toBe('T1');
    expect(unpack(spec, bytes).get(28)).toBe('D00001500');
  });

  it('reads lower-case EBCDIC hex (81-86) and refuses a byte that is no hex character, with its offset', () => {
    const upper = Buffer.from(new Message(spec, { mti: '0800', fields: { 52: 'ABCDEF0123456789', 70: 1 } }).pack());
    const lower = Buffer.from(upper);
    const at = 4 + 16 + 16; // MTI, two bitmaps of 16 characters
    for (let i = at; i < at + 16; i++) if (lower[i]! >= 0xc1 && lower[i]! <= 0xc6) lower[i] = lower[i]! - 0x40;
    expect(toHex(unpack(spec, lower).get(52) as Uint8Array)).toBe('ABCDEF0123456789');
    const bad = Buffer.from(upper);
    bad[at + 3] = 0x41; // ASCII 'A' is not EBCDIC hex
    const error = thrown(() => unpack(spec, bad).get(52));
    expect(error).toBeInstanceOf(UnpackError);
    expect(error).toMatchObject({ field: 52, offset: at });
    expect(error.message).toContain(`non-hex character at offset ${at + 3}`);
    const badBitmap = Buffer.from(upper);
    badBitmap[5] = 0x30; // ASCII '0' in the primary bitmap
    expect(thrown(() => unpack(spec, badBitmap))).toMatchObject({ name: 'UnpackError', field: 1, offset: 4 });
  });

  it('refuses a hex string with a non-hex character when packing, naming the field, never the value', () => {
    const error = thrown(() => new Message(spec, { mti: '0800', fields: { 52: '0123456789ABCDEZ' } }).pack());
    expect(error).toBeInstanceOf(PackError);
    expect(error).toMatchObject({ field: 52 });
    expect(error.message).not.toContain('0123456789');
  });

  it('carries a nested packager behind an IFE_BITMAP of its own', () => {
    const nested = specFromJposPackager(
      readFileSync(`${__dirname}/fixtures/jpos/ebcdic.xml`, 'utf8').replace(
        '</isopackager>',
        '  <isofieldpackager id="127" length="999" name="Private" class="org.jpos.iso.IFE_LLLCHAR"\n' +
          '      packager="org.jpos.iso.packager.GenericSubFieldPackager">\n' +
          '    <isofield id="1" length="8" name="Bitmap" class="org.jpos.iso.IFE_BITMAP"/>\n' +
          '    <isofield id="2" length="4" name="Kind" class="org.jpos.iso.IFE_NUMERIC"/>\n' +
          '  </isofieldpackager>\n</isopackager>',
      ),
    );
    const bytes = new Message(nested, { mti: '0800', fields: { 127: { 2: '1234' } } }).pack();
    // LLL 020, then the subfield bitmap (bit 2) as 16 EBCDIC hex characters, then 1234.
    expect(toHex(bytes).slice(-2 * 23)).toBe(ebcdic('020') + ebcdic('4000000000000000') + ebcdic('1234'));
    expect(unpack(nested, bytes).get(127)).toEqual({ 2: '1234' });
  });

  it('is a value and bitmap encoding in specFromJSON, never a length prefix encoding', () => {
    const base = {
      0: { type: 'numeric', length: 4, encoding: 'ebcdic' },
      1: { type: 'bitmap', length: 8, encoding: 'ebcdic-hex' },
    };
    expect(() =>
      specFromJSON({ name: 'x', fields: { ...base, 2: { type: 'binary', length: 8, encoding: 'ebcdic-hex' } } }),
    ).not.toThrow();
    const prefixed = { type: 'binary', length: 8, encoding: 'binary', prefix: { digits: 2, encoding: 'ebcdic-hex' } };
    expect(thrown(() => specFromJSON({ name: 'x', fields: { ...base, 2: prefixed } })).message).toContain(
      'prefix.encoding must be one of ascii, ebcdic, bcd, binary, hex',
    );
    const text = { type: 'string', length: 8, encoding: 'ebcdic-hex' };
    expect(thrown(() => specFromJSON({ name: 'x', fields: { ...base, 2: text } })).message).toContain(
      'encoding of a string field must be one of ascii, ebcdic',
    );
  });
});
