import { Message, spec87ascii, unpack } from '@rx8583/iso8583';
import { PYISO_SPECS, loadLines, loadSpec, type ValidVector } from './support/pyiso-spec';
import { hex, toHex } from './support/specs';

// A switch rewrites 7 and 11 and forwards the rest: every field nobody set leaves as it arrived,
// byte for byte, however unusual its encoding; the fields set are written canonically.

/** A 0100 as some acquirer writes it: lower-case hex in the bitmap and in field 52, and a field 55
 * whose 9F02 element has a long-form length (81 06) where one byte would do. */
function unusualRequest(): Buffer {
  const emv = '9f02' + '8106' + '000000001500' + '5f2a' + '02' + '0978';
  const fields: Array<[number, string]> = [
    [2, '16' + '4761739001010119'],
    [3, '000000'],
    [4, '000000001500'],
    [7, '1126120000'],
    [11, '000001'],
    [41, 'TERM0001'],
    [48, '006' + 'AB1234'],
    [52, '7434f67813bae545'],
    [55, String(emv.length / 2).padStart(3, '0')],
  ];
  const bitmap = Buffer.alloc(8);
  for (const [n] of fields) bitmap[(n - 1) >> 3]! |= 0x80 >> ((n - 1) & 7);
  const parts: Buffer[] = [Buffer.from('0100'), Buffer.from(bitmap.toString('hex'))];
  for (const [, text] of fields) parts.push(Buffer.from(text, 'latin1'));
  parts.push(hex(emv));
  return Buffer.concat(parts);
}

describe('byte-faithful forwarding', () => {
  it('packs an unpacked message back to exactly the bytes it came from, read or not', () => {
    const bytes = unusualRequest();
    expect(Buffer.from(unpack(spec87ascii, bytes).pack()).equals(bytes)).toBe(true);
    const read = unpack(spec87ascii, bytes);
    for (const n of read.fieldNumbers()) read.get(n);
    expect(Buffer.from(read.pack()).equals(bytes)).toBe(true);
  });

  it('after 7 and 11 are set, forwards 48, 52 and 55 untouched and writes 7 and 11 canonically', () => {
    const received = unpack(spec87ascii, unusualRequest());
    const forwarded = received.clone().set(7, '1201093000').set(11, 424242);
    const out = unpack(spec87ascii, forwarded.pack());
    for (const n of [2, 3, 4, 41, 48, 52, 55]) {
      expect(toHex(out.fieldBytes(n)!)).toBe(toHex(received.fieldBytes(n)!));
    }
    expect(Buffer.from(out.fieldBytes(52)!).toString('latin1')).toBe('7434f67813bae545');
    expect(toHex(out.fieldBytes(55)!).slice(6, 14)).toBe('9F028106');
    expect(Buffer.from(out.fieldBytes(11)!).toString()).toBe('424242');
    // The same fields are present, so the bitmap as received (lower-case hex) is forwarded as well.
    expect(Buffer.from(forwarded.pack()).subarray(4, 20).toString()).toBe(unusualRequest().subarray(4, 20).toString());
  });

  it('computes the bitmap again, canonically, when the fields present change', () => {
    const forwarded = unpack(spec87ascii, unusualRequest()).delete(48).set(37, '123456789012');
    const bytes = Buffer.from(forwarded.pack());
    expect(bytes.subarray(4, 20).toString()).toBe(bytes.subarray(4, 20).toString().toUpperCase());
    const out = unpack(spec87ascii, bytes);
    expect(out.fieldNumbers()).toEqual([2, 3, 4, 7, 11, 37, 41, 52, 55]);
    expect(Buffer.from(out.fieldBytes(52)!).toString('latin1')).toBe('7434f67813bae545');
  });

  it('writes a changed field canonically: set again from its own value, 52 and 55 are re-encoded', () => {
    const message = unpack(spec87ascii, unusualRequest());
    message.set(52, message.get(52)!).set(55, message.get(55)!);
    expect(Buffer.from(message.fieldBytes(52)!).toString('latin1')).toBe('7434F67813BAE545');
    expect(toHex(message.fieldBytes(55)!)).toBe(
      toHex(Buffer.from('014', 'latin1')) + '9F0206000000001500' + '5F2A020978',
    );
  });

  it('toResponse echoes the request fields as the bytes they came as, and the two stay independent', () => {
    const request = unpack(spec87ascii, unusualRequest());
    const response = request.toResponse({ 39: '00' });
    for (const n of [2, 3, 4, 7, 11, 41]) {
      expect(toHex(response.fieldBytes(n)!)).toBe(toHex(request.fieldBytes(n)!));
      expect(response.get(n)).toBe(request.get(n));
    }
    expect(response.has(52)).toBe(false);
    response.set(11, '000002');
    expect(request.get(11)).toBe('000001');
    const back = unpack(spec87ascii, response.pack());
    expect([back.mti, back.get(2), back.get(11), back.get(39)]).toEqual(['0110', '4761739001010119', '000002', '00']);
  });

  it('fieldBytes of a built message is what pack writes for it', () => {
    const message = new Message(spec87ascii, { mti: '0100', fields: { 2: '4761739001010119', 11: 7 } });
    expect(Buffer.from(message.fieldBytes(2)!).toString()).toBe('164761739001010119');
    expect(Buffer.from(message.fieldBytes(11)!).toString()).toBe('000007');
    expect(message.fieldBytes(3)).toBeUndefined();
    expect(message.fieldBytes(1)).toBeUndefined();
  });
});

describe.each(PYISO_SPECS)('packing the pyiso8583 vectors of %s', (name) => {
  const spec = loadSpec(name);
  const valid = loadLines<ValidVector>(`${name}.valid.jsonl`);

  it('packs the fields of every valid vector to exactly its bytes', () => {
    for (const vector of valid) {
      const { t, ...fields } = vector.fields;
      const message = new Message(spec, { mti: t! });
      for (const [n, value] of Object.entries(fields)) message.set(Number(n), value);
      expect(Buffer.from(message.pack()).toString('hex').toUpperCase()).toBe(vector.hex);
    }
  });
});
