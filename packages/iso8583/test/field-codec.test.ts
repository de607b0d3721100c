import { Message, unpack } from '@rx8583/iso8583';
import { specWith, thrown } from './support/specs';

describe('padding of fixed-length fields', () => {
  it('right padding fills short text on the right and is trimmed when unpacking', () => {
    const spec = specWith({
      43: { type: 'string', length: 10, encoding: 'ascii', padding: { side: 'right', char: ' ' } },
    });
    const bytes = new Message(spec, { mti: '0100', fields: { 43: 'ACME' } }).pack();
    expect(bytes.subarray(12).toString()).toBe('ACME      ');
    expect(unpack(spec, bytes).get(43)).toBe('ACME');
  });

  it('left padding fills short text on the left and is trimmed when unpacking', () => {
    const spec = specWith({
      37: { type: 'string', length: 6, encoding: 'ascii', padding: { side: 'left', char: '*' } },
    });
    const bytes = new Message(spec, { mti: '0100', fields: { 37: 'AB' } }).pack();
    expect(bytes.subarray(12).toString()).toBe('****AB');
    expect(unpack(spec, bytes).get(37)).toBe('AB');
  });

  it('padding in EBCDIC uses the EBCDIC pad character', () => {
    const spec = specWith({
      41: { type: 'string', length: 4, encoding: 'ebcdic', padding: { side: 'right', char: ' ' } },
    });
    const bytes = new Message(spec, { mti: '0100', fields: { 41: 'T1' } }).pack();
    expect(Buffer.from(bytes.subarray(12)).toString('hex').toUpperCase()).toBe('E3F14040');
    expect(unpack(spec, bytes).get(41)).toBe('T1');
  });

  it('a field of only pad characters unpacks as an empty string and packs back the same', () => {
    const spec = specWith({
      43: { type: 'string', length: 3, encoding: 'ascii', padding: { side: 'right', char: ' ' } },
    });
    const message = unpack(spec, new Message(spec, { mti: '0100', fields: { 43: '' } }).pack());
    expect(message.get(43)).toBe('');
    expect(message.pack().subarray(12).toString()).toBe('   ');
  });

  it('without padding a short fixed text value is refused', () => {
    const spec = specWith({ 41: { type: 'string', length: 8, encoding: 'ascii' } });
    const error = thrown(() => new Message(spec, { mti: '0100', fields: { 41: 'T1' } }).pack());
    expect(error).toMatchObject({ name: 'PackError', field: 41, problem: 'length 2 but the field takes exactly 8' });
  });

  it('a value longer than the fixed length is refused even with padding', () => {
    const spec = specWith({
      41: { type: 'string', length: 2, encoding: 'ascii', padding: { side: 'right', char: ' ' } },
    });
    expect(thrown(() => new Message(spec, { mti: '0100', fields: { 41: 'ABC' } }).pack())).toMatchObject({
      name: 'PackError',
      field: 41,
    });
  });

  it('fixed numerics are zero-filled on the left by set, for strings, numbers and bigints', () => {
    const spec = specWith({
      4: { type: 'numeric', length: 12, encoding: 'ascii' },
      5: { type: 'numeric', length: 12, encoding: 'bcd' },
      6: { type: 'numeric', length: 12, encoding: 'ascii' },
    });
    const message = new Message(spec, { mti: '0100', fields: { 4: 1500, 5: 99n, 6: '7' } });
    expect([message.get(4), message.get(5), message.get(6)]).toEqual(['000000001500', '000000000099', '000000000007']);
  });

  it('variable numerics are not zero-filled', () => {
    const spec = specWith({
      2: { type: 'numeric', length: 19, encoding: 'ascii', prefix: { digits: 2, encoding: 'ascii' } },
    });
    expect(new Message(spec).set(2, 42).get(2)).toBe('42');
  });
});
