import { Message, PackError, spec87ascii, spec87binary, unpack } from '@rx8583/iso8583';
import { specWith, thrown } from './support/specs';

// `set` (and the constructor) check each value's kind, characters and length, so that `pack` never
// fails on a value `set` accepted; errors point at the position in the value as the caller gave it.

describe('values are checked when set', () => {
  it.each([
    [4, '12.50', 'character 3 is not a digit'],
    [4, '1x5', 'character 2 is not a digit'],
    [11, '0000012', 'length 7 but the field takes exactly 6'],
    [41, 'TERMINAL0001', 'length 12 but the field takes exactly 8'],
    [2, '4'.repeat(20), 'length 20 but the field takes at most 19'],
    [43, 'CAFÉ ZÜRICH', 'character 4 cannot be written in ASCII'],
    [52, '7434F67813BAE54Z', 'character 16 is not a hex digit'],
    [52, '7434F6781', 'a hex string needs an even number of characters, got 9'],
    [52, '7434F678', 'length 4 but the field takes exactly 8'],
    [0, '100', 'length 3 but the field takes exactly 4'],
    [0, '01X0', 'character 3 is not a digit'],
  ])('set(%d, %j) is refused: %s', (n, value, problem) => {
    const message = new Message(spec87ascii, { mti: '0100' });
    expect(thrown(() => message.set(n, value))).toMatchObject({ name: 'PackError', field: n, problem });
  });

  it('refuses the same values in the constructor, naming the field', () => {
    expect(thrown(() => new Message(spec87ascii, { mti: '0100', fields: { 4: '12.50' } }))).toMatchObject({
      name: 'PackError',
      field: 4,
      problem: 'character 3 is not a digit',
    });
    expect(thrown(() => new Message(spec87ascii, { mti: '0100', fields: { 1: 'x' } }))).toMatchObject({ field: 1 });
  });

  it.each([
    [{ 130: 'x' }, '130'],
    [{ foo: 1 }, 'foo'],
    [{ 11: '000001', '011': '000002' }, '011'],
    [{ 11: '000001', '-1': 'x' }, '-1'],
  ])('refuses a fields key that is not a field number 0..128: %j names %s', (fields, key) => {
    const init = { mti: '0100', fields } as unknown as ConstructorParameters<typeof Message>[1];
    expect(thrown(() => new Message(spec87ascii, init))).toMatchObject({
      name: 'PackError',
      field: key,
      problem: 'not a field number (fields are keyed by number, 0..128)',
    });
  });

  it('takes a key whose value is undefined as an absent field, and refuses a field the spec lacks', () => {
    const m = new Message(spec87ascii, { mti: '0800', fields: { 11: '000001', 41: undefined } as never });
    expect(m.fieldNumbers()).toEqual([11]);
    const spec = specWith({});
    expect(thrown(() => new Message(spec, { mti: '0800', fields: { 64: 'x' } }))).toMatchObject({
      name: 'PackError',
      field: 64,
      problem: `the spec '${spec.name}' does not define this field`,
    });
  });

  it('checks BCD digits as given, before zero filling (spec87binary)', () => {
    expect(thrown(() => new Message(spec87binary).set(4, '12.50'))).toMatchObject({
      field: 4,
      problem: 'character 3 is not a digit',
    });
    expect(new Message(spec87binary).set(4, '1250').get(4)).toBe('000000001250');
  });

  it('checks the elements of a composite: kinds, characters and lengths, by element path', () => {
    const message = new Message(spec87ascii, { mti: '0100' });
    expect(thrown(() => message.set(55, [{ tag: '5F2A', value: '09' + '78' + '00' }]))).toMatchObject({
      field: '55.5F2A',
      problem: 'length 3 but the field takes at most 2',
    });
    expect(thrown(() => message.set(55, [{ tag: '5F2A', value: '0g78' }]))).toMatchObject({
      field: '55.5F2A',
      problem: 'character 2 is not a hex digit',
    });
    expect(thrown(() => message.set(55, [{ tag: 'DF01', value: 7 }]))).toMatchObject({ field: '55.DF01' });
    expect(thrown(() => message.set(55, [{ tag: 'NOPE', value: '00' }]))).toMatchObject({ field: 55 });
    const whole = specWith({
      48: {
        type: 'composite',
        layout: 'positional',
        length: 4,
        subfields: { 1: { type: 'numeric', length: 4, encoding: 'ascii' } },
      },
    });
    expect(thrown(() => new Message(whole).set(48, { 1: '1a' }))).toMatchObject({
      field: '48.1',
      problem: 'character 2 is not a digit',
    });
  });

  it('leaves the field as it was when a value is refused', () => {
    const message = new Message(spec87ascii, { mti: '0100', fields: { 4: 1500 } });
    expect(thrown(() => message.set(4, '15.00'))).toBeInstanceOf(PackError);
    expect(message.get(4)).toBe('000000001500');
    expect(thrown(() => message.set(41, 'TOO LONG TERMINAL'))).toBeInstanceOf(PackError);
    expect(message.has(41)).toBe(false);
    expect(unpack(spec87ascii, message.pack()).get(4)).toBe('000000001500');
  });

  it('copies bytes when set: changing the caller’s array afterwards does not change the message', () => {
    const pin = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const message = new Message(spec87ascii, { mti: '0100', fields: { 52: pin } });
    pin[0] = 0xff;
    expect((message.get(52) as Uint8Array)[0]).toBe(1);
  });

  it('packs a byte or composite value changed in place after get, and refuses one changed into a bad value', () => {
    const message = unpack(
      spec87ascii,
      new Message(spec87ascii, { mti: '0100', fields: { 52: '0102030405060708' } }).pack(),
    );
    (message.get(52) as Uint8Array)[0] = 0xff;
    expect((unpack(spec87ascii, message.pack()).get(52) as Uint8Array)[0]).toBe(0xff);
    const emv = new Message(spec87ascii, { mti: '0100', fields: { 55: [{ tag: '5F2A', value: '0978' }] } });
    (emv.get(55) as Array<{ tag: string; value: unknown }>).push({ tag: '5F2A', value: 'not hex' });
    expect(thrown(() => emv.pack())).toMatchObject({ name: 'PackError', field: '55.5F2A' });
  });
});
