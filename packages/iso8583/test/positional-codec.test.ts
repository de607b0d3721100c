import { Message, unpack, type CompositeFieldSpec } from '@rx8583/iso8583';
import { headerFor, hex, specWith, thrown } from './support/specs';

describe('positional composites', () => {
  const field: CompositeFieldSpec = {
    type: 'composite',
    layout: 'positional',
    length: 99,
    prefix: { digits: 2, encoding: 'ascii' },
    subfields: {
      1: { type: 'string', length: 2, encoding: 'ascii' },
      2: { type: 'numeric', length: 4, encoding: 'ascii' },
      10: { type: 'string', length: 20, encoding: 'ascii', prefix: { digits: 2, encoding: 'ascii' } },
    },
  };
  const spec = specWith({ 48: field });

  it('writes subfields in ascending id order (10 after 2) and reads them back by id', () => {
    const bytes = new Message(spec, { mti: '0100', fields: { 48: { 10: 'XYZ', 1: 'AB', 2: 42 } } }).pack();
    expect(bytes.subarray(12).toString()).toBe('11' + 'AB' + '0042' + '03XYZ');
    expect(unpack(spec, bytes).get(48)).toEqual({ 1: 'AB', 2: '0042', 10: 'XYZ' });
  });

  it('lets trailing subfields be absent', () => {
    const bytes = new Message(spec, { mti: '0100', fields: { 48: { 1: 'AB' } } }).pack();
    expect(bytes.subarray(12).toString()).toBe('02AB');
    expect(unpack(spec, bytes).get(48)).toEqual({ 1: 'AB' });
  });

  it('refuses a gap before a present subfield', () => {
    const error = thrown(() => new Message(spec, { mti: '0100', fields: { 48: { 1: 'AB', 10: 'X' } } }).pack());
    expect(error).toMatchObject({
      name: 'PackError',
      field: 48,
      problem: 'subfield 2 is missing but subfield 10 follows it',
    });
  });

  it('refuses unknown subfield ids in set', () => {
    expect(thrown(() => new Message(spec).set(48, { 3: 'A' }))).toMatchObject({ name: 'PackError', field: '48.3' });
  });

  it('blames the subfield that is cut short, with its path and offset', () => {
    const error = thrown(() => unpack(spec, Buffer.concat([hex(headerFor(48)), Buffer.from('04AB00')])));
    expect(error).toMatchObject({ name: 'UnpackError', field: '48.2', offset: 16 });
  });

  it('checks subfield content with the subfield path', () => {
    const error = thrown(() => new Message(spec, { mti: '0100', fields: { 48: { 1: 'AB', 2: '12X4' } } }).pack());
    expect(error).toMatchObject({ name: 'PackError', field: '48.2' });
  });

  it('a fixed-length positional composite must fill its length exactly', () => {
    const fixed = specWith({
      61: {
        type: 'composite',
        layout: 'positional',
        length: 6,
        subfields: {
          1: { type: 'string', length: 2, encoding: 'ascii' },
          2: { type: 'numeric', length: 4, encoding: 'ascii' },
        },
      },
    });
    expect(new Message(fixed, { mti: '0100', fields: { 61: { 1: 'AB', 2: 7 } } }).pack().subarray(12).toString()).toBe(
      'AB0007',
    );
    expect(thrown(() => new Message(fixed, { mti: '0100', fields: { 61: { 1: 'AB' } } }).pack())).toMatchObject({
      name: 'PackError',
      field: 61,
      problem: 'length 2 but the field takes exactly 6',
    });
  });
});
