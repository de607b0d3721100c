import { Message, defineSpec, describe as describeMessage, spec87ascii, specFromJSON, unpack } from '@rx8583/iso8583';

// The examples of docs/specs.md, run as written, so the guide cannot drift from the code.
describe('docs/specs.md examples', () => {
  it('the Acme spec packs, unpacks and describes with masking', () => {
    const acme = defineSpec({
      name: 'Acme host 2.1',
      fields: {
        0: { type: 'numeric', length: 4, encoding: 'ascii', description: 'Message Type Indicator' },
        1: { type: 'bitmap', length: 8, encoding: 'binary', description: 'Bitmap' },
        2: {
          type: 'numeric',
          length: 19,
          encoding: 'ascii',
          prefix: { digits: 2, encoding: 'ascii' },
          description: 'PAN',
          sensitive: 'pan',
        },
        3: { type: 'numeric', length: 6, encoding: 'ascii', description: 'Processing code' },
        4: { type: 'numeric', length: 12, encoding: 'ascii', description: 'Amount, transaction' },
        11: { type: 'numeric', length: 6, encoding: 'ascii', description: 'STAN' },
        41: {
          type: 'string',
          length: 8,
          encoding: 'ascii',
          padding: { side: 'right', char: ' ' },
          description: 'Terminal id',
        },
        52: { type: 'binary', length: 8, encoding: 'binary', description: 'PIN block', sensitive: 'pin' },
      },
    });
    const request = new Message(acme, {
      mti: '0100',
      fields: { 2: '4111111111111111', 3: '000000', 4: 1500, 11: 1, 41: 'T1' },
    });
    const back = unpack(acme, request.pack());
    expect(back.get(4)).toBe('000000001500');
    expect(back.get(41)).toBe('T1');
    expect(describeMessage(back)).toContain('411111******1111');
  });

  it('the JSON form loads with specFromJSON', () => {
    const acme = specFromJSON(`{
      "name": "Acme host 2.1",
      "fields": {
        "0":  { "type": "numeric", "length": 4, "encoding": "ascii" },
        "1":  { "type": "bitmap", "length": 8, "encoding": "binary" },
        "2":  { "type": "numeric", "length": 19, "encoding": "ascii", "prefix": { "digits": 2, "encoding": "ascii" }, "sensitive": "pan" },
        "41": { "type": "string", "length": 8, "encoding": "ascii", "padding": { "side": "right", "char": " " } }
      }
    }`);
    expect(new Message(acme, { mti: '0100', fields: { 41: 'T1' } }).pack().subarray(12).toString()).toBe('T1      ');
  });

  it('the positional field 61 example', () => {
    const spec = defineSpec({
      name: 'pos',
      fields: {
        ...spec87ascii.fields,
        61: {
          type: 'composite',
          layout: 'positional',
          length: 999,
          prefix: { digits: 3, encoding: 'ascii' },
          description: 'POS data',
          subfields: {
            1: { type: 'numeric', length: 1, encoding: 'ascii', description: 'Terminal attendance' },
            2: { type: 'numeric', length: 1, encoding: 'ascii', description: 'Terminal location' },
            3: {
              type: 'string',
              length: 20,
              encoding: 'ascii',
              prefix: { digits: 2, encoding: 'ascii' },
              description: 'Terminal model',
            },
          },
        },
      },
    });
    const message = new Message(spec, { mti: '0100' }).set(61, { 1: 0, 2: 1, 3: 'ACME X9' });
    expect(message.get(61)).toEqual({ 1: '0', 2: '1', 3: 'ACME X9' });
    expect(unpack(spec, message.pack()).get(61)).toEqual({ 1: '0', 2: '1', 3: 'ACME X9' });
  });

  it('the BER-TLV field 55 example', () => {
    const spec = defineSpec({
      name: 'emv',
      fields: {
        ...spec87ascii.fields,
        55: {
          type: 'composite',
          layout: 'ber-tlv',
          length: 255,
          prefix: { digits: 3, encoding: 'ascii' },
          description: 'ICC data',
          sensitive: 'secret',
          subfields: {
            '9F02': { type: 'numeric', length: 12, encoding: 'bcd', description: 'Amount, authorised' },
            '5F2A': { type: 'binary', length: 2, encoding: 'binary', description: 'Transaction currency code' },
            '5A': { type: 'binary', length: 10, encoding: 'binary', description: 'Application PAN', sensitive: 'pan' },
            '57': {
              type: 'binary',
              length: 19,
              encoding: 'binary',
              description: 'Track 2 equivalent',
              sensitive: 'track',
            },
          },
        },
      },
    });
    const message = new Message(spec, { mti: '0100' }).set(55, [
      { tag: '9F02', value: 1500 },
      { tag: '5F2A', value: '0978' },
      { tag: '9F36', value: Uint8Array.of(0, 1) },
    ]);
    expect(unpack(spec, message.pack()).get(55)).toEqual([
      { tag: '9F02', value: '000000001500' },
      { tag: '5F2A', value: Uint8Array.of(0x09, 0x78) },
      { tag: '9F36', value: Uint8Array.of(0, 1) },
    ]);
  });
});
