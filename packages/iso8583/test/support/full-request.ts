import { Message, type MessageSpec } from '@rx8583/iso8583';

/** A request carrying every field a response might echo, and the card data it must not. */
export function fullRequest(spec: MessageSpec, mti: string): Message {
  return new Message(spec, {
    mti,
    fields: {
      2: '4111111111111111',
      3: '000000',
      4: 1500,
      7: '1201103000',
      11: 4711,
      12: '103000',
      13: '1201',
      14: '2812',
      22: '051',
      32: '123456',
      33: '654321',
      35: '4111111111111111=28121010000000000',
      37: 'RRN000004711',
      41: 'TERM0001',
      42: 'MERCHANT0000001',
      43: 'ACME STORE                    BERLIN DE',
      45: 'B4111111111111111^DOE/JOHN^2812101',
      49: '978',
      52: '0123456789ABCDEF',
      55: [{ tag: '9F02', value: '000000001500' }],
      64: '0011223344556677',
      70: 301,
      90: '010000471112011030000000012345600000654321',
      128: 'FFEEDDCCBBAA9988',
    },
  });
}

export const AUTHORIZATION_ECHO = [2, 3, 4, 7, 11, 12, 13, 32, 33, 37, 41, 42, 49];
