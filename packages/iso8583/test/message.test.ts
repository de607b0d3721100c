import { inspect } from 'node:util';
import { Message, PackError, describe as describeMessage, spec87ascii, unpack } from '@rx8583/iso8583';
import { specWith, thrown } from './support/specs';

describe('Message', () => {
  it('holds an MTI: mti, get(0), set(0) agree', () => {
    const message = new Message(spec87ascii, { mti: '0100' });
    expect(message.mti).toBe('0100');
    expect(message.get(0)).toBe('0100');
    message.mti = '0110';
    expect(message.get(0)).toBe('0110');
    message.set(0, '0400');
    expect(message.mti).toBe('0400');
  });

  it('has an empty MTI until one is set', () => {
    const message = new Message(spec87ascii);
    expect(message.mti).toBe('');
    expect(message.has(0)).toBe(false);
    expect(message.get(0)).toBeUndefined();
  });

  it('set returns the message, has and delete work, fieldNumbers lists data fields ascending', () => {
    const message = new Message(spec87ascii, { mti: '0100' }).set(41, 'TERM0001').set(11, 7).set(3, '000000');
    expect(message.has(41)).toBe(true);
    expect(message.fieldNumbers()).toEqual([3, 11, 41]);
    expect(message.delete(41)).toBe(message);
    expect(message.has(41)).toBe(false);
    expect(message.get(41)).toBeUndefined();
    expect(message.fieldNumbers()).toEqual([3, 11]);
    expect(message.delete(99).fieldNumbers()).toEqual([3, 11]);
  });

  it('numeric values are digit strings as on the wire', () => {
    const message = new Message(spec87ascii, { mti: '0100', fields: { 4: 1500, 11: 1n, 3: '0' } });
    expect(message.get(4)).toBe('000000001500');
    expect(message.get(11)).toBe('000001');
    expect(message.get(3)).toBe('000000');
  });

  it('refuses numbers that are not non-negative safe integers, and wrong kinds of value', () => {
    const message = new Message(spec87ascii);
    expect(thrown(() => message.set(4, -1))).toMatchObject({ name: 'PackError', field: 4 });
    expect(thrown(() => message.set(4, 1.5))).toMatchObject({ name: 'PackError', field: 4 });
    expect(thrown(() => message.set(4, -1n))).toMatchObject({ name: 'PackError', field: 4 });
    expect(thrown(() => message.set(41, 5))).toMatchObject({
      name: 'PackError',
      field: 41,
      problem: 'expected a string, got a number',
    });
    expect(thrown(() => message.set(52, 5))).toMatchObject({ name: 'PackError', field: 52 });
    expect(thrown(() => message.set(41, undefined as never))).toMatchObject({ name: 'PackError', field: 41 });
  });

  it('refuses fields the spec lacks, the bitmap, and numbers outside 0..128', () => {
    const spec = specWith({ 2: { type: 'string', length: 2, encoding: 'ascii' } });
    expect(thrown(() => new Message(spec).set(3, 'x'))).toMatchObject({ name: 'PackError', field: 3 });
    expect(thrown(() => new Message(spec).set(1, 'x'))).toMatchObject({ name: 'PackError', field: 1 });
    expect(thrown(() => new Message(spec).set(129, 'x'))).toBeInstanceOf(PackError);
    expect(thrown(() => new Message(spec).set(2.5, 'x'))).toBeInstanceOf(PackError);
  });

  it('refuses to pack without an MTI', () => {
    expect(thrown(() => new Message(spec87ascii).set(11, 1).pack())).toMatchObject({
      name: 'PackError',
      field: 0,
      problem: 'the MTI is missing',
    });
  });

  it('refuses an MTI of the wrong length or with non-digits', () => {
    expect(thrown(() => new Message(spec87ascii, { mti: '100' }).pack())).toMatchObject({
      name: 'PackError',
      field: 0,
    });
    expect(thrown(() => new Message(spec87ascii, { mti: '01X0' }).pack())).toMatchObject({
      name: 'PackError',
      field: 0,
    });
  });

  it('pack returns a Buffer of exactly the message, and packing twice gives equal, independent bytes', () => {
    const message = new Message(spec87ascii, { mti: '0800', fields: { 11: 1, 70: 301 } });
    const first = message.pack();
    const second = message.pack();
    expect(Buffer.isBuffer(first)).toBe(true);
    expect(first.toString()).toBe('0800' + '8020000000000000' + '0400000000000000' + '000001' + '301');
    first[0] = 0x39;
    expect(second.toString().startsWith('0800')).toBe(true);
  });

  it('packed buffers stay intact whatever is packed later: many messages, one over 16 KiB, failed packs', () => {
    const first = new Message(spec87ascii, { mti: '0800', fields: { 11: 1, 70: 301 } });
    const firstBytes = first.pack();
    const copy = Buffer.from(firstBytes);
    const huge = new Message(spec87ascii, {
      mti: '0100',
      fields: Object.fromEntries([...Array(20).keys()].map((i) => [105 + i, 'x'.repeat(999)])),
    });
    const hugeBytes = huge.pack();
    expect(hugeBytes.length).toBeGreaterThan(16 * 1024);
    const others: Uint8Array[] = [];
    for (let i = 0; i < 500; i++) {
      others.push(new Message(spec87ascii, { mti: '0800', fields: { 11: i, 70: 301 } }).pack());
      expect(() =>
        new Message(spec87ascii, { mti: '0800', fields: { 11: i, 41: 'TOO LONG TERMINAL' } }).pack(),
      ).toThrow(PackError);
    }
    expect(Buffer.compare(Buffer.from(firstBytes), copy)).toBe(0);
    expect(unpack(spec87ascii, hugeBytes).get(124)).toBe('x'.repeat(999));
    others.forEach((bytes, i) => expect(unpack(spec87ascii, bytes).get(11)).toBe(String(i).padStart(6, '0')));
  });

  it('refuses to unpack something that is not bytes with a TypeError', () => {
    expect(() => unpack(spec87ascii, '0800' as never)).toThrow(TypeError);
  });

  it('unpacks from a Buffer slice at any offset, and from a plain Uint8Array view', () => {
    const bytes = new Message(spec87ascii, { mti: '0800', fields: { 11: 1, 70: 301 } }).pack();
    const framed = Buffer.concat([Buffer.from('XXXX'), bytes, Buffer.from('YY')]);
    expect(unpack(spec87ascii, framed.subarray(4, 4 + bytes.length)).get(70)).toBe('301');
    const view = new Uint8Array(framed.buffer, framed.byteOffset + 4, bytes.length);
    expect(unpack(spec87ascii, view).get(11)).toBe('000001');
  });

  it('clone is deep: changing the clone or its byte and composite values leaves the original alone', () => {
    const original = new Message(spec87ascii, {
      mti: '0100',
      fields: { 52: '0102030405060708', 55: [{ tag: '9F02', value: '000000000100' }] },
    });
    const copy = original.clone();
    copy.set(11, 5);
    (copy.get(52) as Uint8Array)[0] = 0xff;
    (copy.get(55) as Array<{ tag: string; value: unknown }>)[0]!.value = 'changed';
    expect(original.has(11)).toBe(false);
    expect((original.get(52) as Uint8Array)[0]).toBe(1);
    expect(original.get(55)).toEqual([{ tag: '9F02', value: Uint8Array.from([0, 0, 0, 0, 1, 0]) }]);
    expect(copy.spec).toBe(original.spec);
  });

  it('validates and freezes a spec given directly to the constructor', () => {
    const spec = {
      name: 'raw',
      fields: {
        0: { type: 'numeric', length: 4, encoding: 'ascii' },
        1: { type: 'bitmap', length: 8, encoding: 'binary' },
      },
    } as const;
    new Message(spec as never);
    expect(Object.isFrozen(spec)).toBe(true);
    expect(() => new Message({ name: 'bad', fields: {} })).toThrow(
      'field 0 (MTI): the spec must define field 0, the MTI',
    );
  });
});

describe('printing a message', () => {
  const message = new Message(spec87ascii, {
    mti: '0100',
    fields: {
      2: '4761739001010119',
      4: 1500,
      35: '4761739001010119D22122011758928889',
      52: '7434F67813BAE545',
      55: [{ tag: '5A', value: '4761739001010119' }],
    },
  });

  it('String(message) is the masked describe', () => {
    expect(String(message)).toBe(describeMessage(message));
    expect(`${message}`).toContain('476173******0119');
    expect(String(message)).not.toContain('4761739001010119');
  });

  it('util.inspect(message) shows the spec name and the masked describe', () => {
    const shown = inspect(message);
    expect(shown).toBe(`Message (${spec87ascii.name})\n${describeMessage(message)}`);
    expect(shown).not.toContain('7434F67813BAE545');
  });

  it('JSON.stringify(message) gives the masked { mti, fields }, not the spec', () => {
    const json = JSON.parse(JSON.stringify(message)) as unknown;
    expect(json).toEqual({
      mti: '0100',
      fields: {
        '2': '476173******0119',
        '4': '000000001500',
        '35': '476173******0119D***',
        '52': '[hidden]',
        '55': [{ tag: '5A', value: '476173******0119' }],
      },
    });
    expect(JSON.stringify(message)).not.toContain('4761739001010119');
  });
});
