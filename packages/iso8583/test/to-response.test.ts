import { defineSpec, Message, PackError, responseMti, spec87ascii, spec87binary, unpack } from '@rx8583/iso8583';
import { specWith, thrown } from './support/specs';

import { AUTHORIZATION_ECHO, fullRequest } from './support/full-request';

describe('responseMti', () => {
  it.each([
    // authorization: request, repeat, advice, advice repeat, notification, instruction (1993)
    ['0100', '0110'],
    ['0101', '0110'],
    ['0102', '0112'],
    ['0103', '0112'],
    ['0104', '0114'],
    ['0105', '0114'],
    ['0120', '0130'],
    ['0121', '0130'],
    ['0140', '0150'],
    ['0160', '0170'],
    ['0200', '0210'],
    ['0201', '0210'],
    ['0220', '0230'],
    ['0221', '0230'],
    ['0300', '0310'],
    ['0302', '0312'],
    ['0400', '0410'],
    ['0401', '0410'],
    ['0420', '0430'],
    ['0421', '0430'],
    ['0423', '0432'],
    ['0500', '0510'],
    ['0520', '0530'],
    ['0600', '0610'],
    ['0620', '0630'],
    ['0700', '0710'],
    ['0720', '0730'],
    ['0800', '0810'],
    ['0801', '0810'],
    ['0820', '0830'],
    ['1100', '1110'],
    ['1420', '1430'],
    ['1804', '1814'],
    ['1805', '1814'],
    ['2100', '2110'],
  ])('%s is answered by %s', (request, response) => {
    expect(responseMti(request)).toBe(response);
  });

  it.each([
    ['0110', 'function digit 1 is odd'],
    ['0130', 'function digit 3 is odd'],
    ['0411', 'function digit 1 is odd'],
    ['0810', 'function digit 1 is odd'],
    ['1814', 'function digit 1 is odd'],
    ['0180', 'function digit 8, which has no response'],
    ['0190', 'function digit 9 is odd'],
    ['0106', 'origin digit 6, which ISO 8583 reserves'],
    ['0109', 'origin digit 9, which ISO 8583 reserves'],
    ['010', 'not a 4-digit MTI'],
    ['01A0', 'not a 4-digit MTI'],
  ])('refuses %s (%s)', (mti, reason) => {
    const error = thrown(() => responseMti(mti));
    expect(error).toBeInstanceOf(PackError);
    expect(error).toMatchObject({ field: 0 });
    expect(error.message).toContain(reason);
  });
});

describe('Message.toResponse', () => {
  it.each([
    ['authorization', '0100', '0110', AUTHORIZATION_ECHO],
    ['authorization repeat', '0101', '0110', AUTHORIZATION_ECHO],
    ['authorization advice', '0120', '0130', AUTHORIZATION_ECHO],
    ['financial', '0200', '0210', AUTHORIZATION_ECHO],
    ['financial advice repeat', '0221', '0230', AUTHORIZATION_ECHO],
    ['file action', '0300', '0310', [7, 11, 32, 33, 37, 41, 42]],
    ['reversal', '0400', '0410', [...AUTHORIZATION_ECHO, 90]],
    ['reversal advice', '0420', '0430', [...AUTHORIZATION_ECHO, 90]],
    ['reversal advice repeat', '0421', '0430', [...AUTHORIZATION_ECHO, 90]],
    ['reconciliation', '0500', '0510', [7, 11, 32, 33, 37, 41, 42]],
    ['administrative advice', '0620', '0630', [7, 11, 32, 33, 37, 41, 42]],
    ['fee collection', '0720', '0730', [7, 11, 32, 33, 37, 41, 42]],
    ['network management', '0800', '0810', [7, 11, 70]],
    ['network management repeat', '0801', '0810', [7, 11, 70]],
    ['network management, 1993 version', '1804', '1814', [7, 11, 70]],
  ])('%s: %s → %s echoing the class fields, never card data', (_name, mti, responseType, echoed) => {
    for (const spec of [spec87ascii, spec87binary]) {
      const request = fullRequest(spec, mti);
      const response = request.toResponse();
      expect(response.mti).toBe(responseType);
      expect(response.spec).toBe(spec);
      expect(response.fieldNumbers()).toEqual(echoed);
      for (const n of echoed) expect(response.get(n)).toEqual(request.get(n));
    }
  });

  it('never echoes expiry, tracks, PIN block, ICC data or MACs', () => {
    const response = fullRequest(spec87ascii, '0100').toResponse();
    for (const n of [14, 35, 45, 52, 55, 64, 128]) expect(response.has(n)).toBe(false);
  });

  it('applies fields after echoing: adds, overrides, and removes with undefined', () => {
    const request = fullRequest(spec87ascii, '0200');
    const response = request.toResponse({ 38: 'A1B2C3', 39: '00', 4: 1000, 2: undefined });
    expect(response.fieldNumbers()).toEqual([3, 4, 7, 11, 12, 13, 32, 33, 37, 38, 39, 41, 42, 49]);
    expect(response.getString(39)).toBe('00');
    expect(response.getString(4)).toBe('000000001000');
    expect(request.getString(4)).toBe('000000001500');
  });

  it('refuses a bad value in fields like set does, naming the field', () => {
    const request = fullRequest(spec87ascii, '0100');
    expect(thrown(() => request.toResponse({ 39: 7 }))).toMatchObject({ name: 'PackError', field: 39 });
    expect(thrown(() => request.toResponse({ 1: undefined }))).toMatchObject({ name: 'PackError', field: '1' });
  });

  it('refuses a response, and a message without an MTI', () => {
    const response = fullRequest(spec87ascii, '0100').toResponse();
    const error = thrown(() => response.toResponse());
    expect(error).toBeInstanceOf(PackError);
    expect(error.message).toBe('field 0 (MTI): 0110 is a response (function digit 1 is odd): it has no response');
    expect(thrown(() => new Message(spec87ascii).toResponse())).toMatchObject({
      name: 'PackError',
      field: 0,
      problem: 'the request has no MTI, so it has no response MTI',
    });
  });

  it('answers an unpacked request, and the response packs and unpacks', () => {
    for (const spec of [spec87ascii, spec87binary]) {
      const request = unpack(spec, fullRequest(spec, '0100').pack());
      const response = request.toResponse({ 39: '00' });
      const back = unpack(spec, response.pack());
      expect(back.mti).toBe('0110');
      expect(back.fieldNumbers()).toEqual([...AUTHORIZATION_ECHO, 39].sort((a, b) => a - b));
      expect(back.getString(41)).toBe('TERM0001');
    }
  });

  it('copies echoed bytes and composites: changing the response never changes the request', () => {
    const spec = specWith(
      {
        47: { type: 'binary', length: 4, encoding: 'binary' },
        48: {
          type: 'composite',
          layout: 'positional',
          length: 10,
          prefix: { digits: 3, encoding: 'ascii' },
          subfields: { 1: { type: 'string', length: 2, encoding: 'ascii' } },
        },
      },
      undefined,
    );
    const echoing = defineSpec({ ...spec, name: 'echoing', echo: { default: [47, 48] } });
    const request = new Message(echoing, { mti: '0100', fields: { 47: '01020304', 48: { 1: 'AB' } } });
    const response = request.toResponse();
    response.getBytes(47)[0] = 0xff;
    (response.get(48) as Record<string, string>)[1] = 'ZZ';
    expect(request.getBytes(47)).toEqual(Uint8Array.of(1, 2, 3, 4));
    expect(request.get(48)).toEqual({ 1: 'AB' });
  });

  it("uses the spec's own echo lists: a class list, then default, then the standard set", () => {
    const custom = defineSpec({
      name: 'custom echo',
      fields: spec87ascii.fields,
      echo: { authorization: [11, 41], reversal: [] },
    });
    const withDefault = defineSpec({ name: 'with default', fields: spec87ascii.fields, echo: { default: [11] } });
    expect(fullRequest(custom, '0100').toResponse().fieldNumbers()).toEqual([11, 41]);
    expect(fullRequest(custom, '0400').toResponse().fieldNumbers()).toEqual([]);
    expect(fullRequest(custom, '0800').toResponse().fieldNumbers()).toEqual([7, 11, 70]);
    expect(fullRequest(withDefault, '0800').toResponse().fieldNumbers()).toEqual([11]);
  });

  it('gives a spec without echo the standard sets, limited to the fields it defines', () => {
    const spec = specWith({
      11: { type: 'numeric', length: 6, encoding: 'ascii' },
      35: { type: 'string', length: 37, encoding: 'ascii', prefix: { digits: 2, encoding: 'ascii' } },
      41: { type: 'string', length: 8, encoding: 'ascii' },
      44: { type: 'string', length: 25, encoding: 'ascii', prefix: { digits: 2, encoding: 'ascii' } },
    });
    const request = new Message(spec, { mti: '0100', fields: { 11: 1, 35: '4111=2812', 41: 'TERM0001', 44: 'X' } });
    expect(request.toResponse().fieldNumbers()).toEqual([11, 41]);
  });
});
