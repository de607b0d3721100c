import { defineSpec, Message, unpack } from '@rx8583/iso8583';
import { specWith, thrown } from './support/specs';

describe('bitmap composite', () => {
  const withField48 = (field: object) => ({ name: 'x', fields: { ...specWith({}).fields, 48: field } });
  const subBitmap = { type: 'bitmap', length: 8, encoding: 'hex' };

  it('grows to a secondary bitmap of its own for subfields above 64', () => {
    const spec = defineSpec(
      withField48({
        type: 'composite',
        layout: 'bitmap',
        length: 99,
        prefix: { digits: 2, encoding: 'ascii' },
        subfields: {
          1: subBitmap,
          3: { type: 'string', length: 2, encoding: 'ascii' },
          70: { type: 'numeric', length: 3, encoding: 'ascii' },
        },
      }) as never,
    );
    const bytes = Buffer.from(new Message(spec, { mti: '0100', fields: { 48: { 3: 'AB', 70: 301 } } }).pack());
    expect(bytes.subarray(12).toString('latin1')).toBe('37' + 'A000000000000000' + '0400000000000000' + 'AB' + '301');
    expect(unpack(spec, bytes).get(48)).toEqual({ 3: 'AB', 70: '301' });
  });

  it('needs its bitmap as subfield 1 and numbers its data subfields 2..128 (2..64 with one block)', () => {
    const composite = { type: 'composite', layout: 'bitmap', length: 99, prefix: { digits: 2, encoding: 'ascii' } };
    const data = { 2: { type: 'string', length: 2, encoding: 'ascii' } };
    expect(thrown(() => defineSpec(withField48({ ...composite, subfields: data }) as never)).message).toBe(
      'field 48: a bitmap composite needs subfield 1, its bitmap',
    );
    const oneBlock = { 1: { ...subBitmap, blocks: 1 }, 65: { type: 'string', length: 2, encoding: 'ascii' } };
    expect(thrown(() => defineSpec(withField48({ ...composite, subfields: oneBlock }) as never)).message).toBe(
      'field 48.65: subfields of a bitmap composite are numbered 2..64',
    );
    expect(thrown(() => defineSpec(withField48({ ...composite, subfields: { 1: subBitmap } }) as never)).message).toBe(
      'field 48: a bitmap composite needs data subfields besides its bitmap',
    );
  });
});
