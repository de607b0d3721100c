import { defineSpec, Message, unpack, type TlvElement } from '@rx8583/iso8583';
import { headerFor, hex, specWith, thrown, toHex } from './support/specs';

describe('TLV composites with fixed-size tags', () => {
  const spec = specWith({
    48: {
      type: 'composite',
      layout: 'tlv',
      length: 999,
      prefix: { digits: 3, encoding: 'ascii' },
      tag: { length: 2, encoding: 'ascii' },
      elementLength: { digits: 2, encoding: 'ascii' },
      subfields: {
        '01': { type: 'numeric', length: 6, encoding: 'ascii' },
        '02': { type: 'string', length: 20, encoding: 'ascii' },
      },
    },
  });

  it('writes tag, length, value for each element in the given order, repeats kept', () => {
    const elements: TlvElement[] = [
      { tag: '02', value: 'HELLO' },
      { tag: '01', value: '123' },
      { tag: '02', value: 'AGAIN' },
    ];
    const bytes = new Message(spec, { mti: '0100', fields: { 48: elements } }).pack();
    expect(bytes.subarray(12).toString()).toBe('025' + '0205HELLO' + '0103123' + '0205AGAIN');
    expect(unpack(spec, bytes).get(48)).toEqual(elements);
  });

  it('keeps elements of unknown tags as text and re-packs them', () => {
    const wire = Buffer.concat([hex(headerFor(48)), Buffer.from('014' + '9904ABCD' + '010212')]);
    const message = unpack(spec, wire);
    expect(message.get(48)).toEqual([
      { tag: '99', value: 'ABCD' },
      { tag: '01', value: '12' },
    ]);
    expect(toHex(message.pack())).toBe(toHex(wire));
  });

  it('accepts an object form in set, in key order', () => {
    expect(new Message(spec).set(48, { '02': 'X', '01': 5 }).get(48)).toEqual([
      { tag: '02', value: 'X' },
      { tag: '01', value: '5' },
    ]);
  });

  it('refuses tags of the wrong size', () => {
    expect(thrown(() => new Message(spec).set(48, [{ tag: '1', value: 'A' }]))).toMatchObject({
      name: 'PackError',
      field: 48,
    });
  });

  it('refuses an element whose length runs past the field', () => {
    const error = thrown(() => unpack(spec, Buffer.concat([hex(headerFor(48)), Buffer.from('008' + '0209ABCD')])));
    expect(error).toMatchObject({
      name: 'UnpackError',
      field: '48.02',
      offset: 19,
      problem: 'data needs 9 bytes, 4 left',
    });
  });

  it('refuses a truncated tag', () => {
    const error = thrown(() => unpack(spec, Buffer.concat([hex(headerFor(48)), Buffer.from('007' + '0102129')])));
    expect(error).toMatchObject({ name: 'UnpackError', field: 48, offset: 21, problem: 'tag needs 2 bytes, 1 left' });
  });

  it('supports binary tags, shown as upper-case hex', () => {
    const binary = specWith({
      62: {
        type: 'composite',
        layout: 'tlv',
        length: 255,
        prefix: { digits: 1, encoding: 'binary' },
        tag: { length: 1, encoding: 'binary' },
        elementLength: { digits: 1, encoding: 'binary' },
      },
    });
    const bytes = new Message(binary, {
      mti: '0100',
      fields: { 62: [{ tag: 'a1', value: Uint8Array.of(1, 2) }] },
    }).pack();
    expect(toHex(bytes.subarray(12))).toBe('04' + 'A1020102');
    expect(unpack(binary, bytes).get(62)).toEqual([{ tag: 'A1', value: Uint8Array.of(1, 2) }]);
  });

  it('supports EBCDIC tags and lengths', () => {
    const ebcdic = specWith({
      48: {
        type: 'composite',
        layout: 'tlv',
        length: 99,
        prefix: { digits: 2, encoding: 'ebcdic' },
        tag: { length: 2, encoding: 'ebcdic' },
        elementLength: { digits: 2, encoding: 'ebcdic' },
      },
    });
    const bytes = new Message(ebcdic, { mti: '0100', fields: { 48: [{ tag: 'A1', value: 'OK' }] } }).pack();
    expect(toHex(bytes.subarray(12))).toBe('F0F6' + 'C1F1' + 'F0F2' + 'D6D2');
    expect(unpack(ebcdic, bytes).get(48)).toEqual([{ tag: 'A1', value: 'OK' }]);
  });
});

describe('tlv with lengthFirst', () => {
  const tagged = specWith({
    48: {
      type: 'composite',
      layout: 'tlv',
      length: 99,
      prefix: { digits: 2, encoding: 'ascii' },
      tag: { length: 2, encoding: 'ascii' },
      elementLength: { digits: 2, encoding: 'ascii' },
      lengthFirst: true,
      subfields: { '01': { type: 'string', length: 20, encoding: 'ascii' } },
    },
  });

  it('writes the element length before the tag, counting the tag: LL TT value', () => {
    const message = new Message(tagged, {
      mti: '0100',
      fields: {
        48: [
          { tag: '01', value: 'ABC' },
          { tag: '77', value: 'Z' },
        ],
      },
    });
    const bytes = Buffer.from(message.pack());
    expect(bytes.subarray(12).toString('latin1')).toBe('12' + '0501ABC' + '0377Z');
    expect(unpack(tagged, bytes).get(48)).toEqual([
      { tag: '01', value: 'ABC' },
      { tag: '77', value: 'Z' },
    ]);
  });

  it('is a tlv option only, true or false, and its length must hold tag and value', () => {
    const composite = tagged.fields[48] as unknown as Record<string, unknown>;
    const withField = (field: Record<string, unknown>) => ({ name: 'x', fields: { ...tagged.fields, 48: field } });
    expect(thrown(() => defineSpec(withField({ ...composite, lengthFirst: 'yes' }) as never)).message).toBe(
      'field 48: lengthFirst must be true or false',
    );
    const positional = {
      type: 'composite',
      layout: 'positional',
      length: 9,
      lengthFirst: true,
      subfields: { 1: { type: 'string', length: 9, encoding: 'ascii' } },
    };
    expect(thrown(() => defineSpec(withField(positional) as never)).message).toBe(
      "field 48: lengthFirst applies to the 'tlv' layout only",
    );
    const tooLong = { ...composite, subfields: { '01': { type: 'string', length: 98, encoding: 'ascii' } } };
    expect(thrown(() => defineSpec(withField(tooLong) as never)).message).toContain(
      'length 100 cannot be written in a 2-digit ascii prefix',
    );
  });
});
