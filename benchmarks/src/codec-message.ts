/**
 * The message the codec benchmark packs and unpacks: a typical 0100 authorization request of 20
 * fields (PAN, processing code, amount, dates, STAN, POS data, track 2, RRN, terminal, merchant,
 * currency, PIN block) and a field 55 with six EMV tags — as our `spec87ascii` values and as the
 * same values for the `iso_8583` package.
 */
import type { FieldInput } from '@rx8583/iso8583';

const EMV_TAGS: ReadonlyArray<{ tag: string; value: string }> = [
  { tag: '9F02', value: '000000001500' }, // Amount, Authorised
  { tag: '9F36', value: '0001' }, // Application Transaction Counter
  { tag: '5F2A', value: '0978' }, // Transaction Currency Code
  { tag: '82', value: '1980' }, // Application Interchange Profile
  { tag: '9F26', value: '0102030405060708' }, // Application Cryptogram
  { tag: '95', value: '0000008000' }, // Terminal Verification Results
];

const TEXT_FIELDS: Readonly<Record<number, string>> = {
  2: '4761739001010119',
  3: '000000',
  4: '000000001500',
  7: '1126120000',
  11: '000001',
  12: '120000',
  13: '1126',
  14: '2512',
  18: '5411',
  22: '051',
  23: '001',
  25: '00',
  35: '4761739001010119D22122011758928889',
  37: '123456789012',
  41: 'TERM0001',
  42: 'MERCHANT0000001',
  43: 'ACME STORE, AMSTERDAM NL',
  49: '978',
  52: '7434F67813BAE545',
};

export const TYPICAL_MTI = '0100';

/** Field values for `new Message(spec87ascii, { mti, fields })`; field 55 as BER-TLV elements. */
export const typicalFields: Record<number, FieldInput> = {
  ...TEXT_FIELDS,
  55: EMV_TAGS.map(({ tag, value }) => ({ tag, value })),
};

/**
 * The same message for `iso_8583`, whose default formats carry field 55 as LLL text (so the TLV goes
 * as hex characters, unparsed) and fixed text fields pre-padded by the caller.
 */
export const typicalIso8583Json: Record<string, string> = {
  0: TYPICAL_MTI,
  ...Object.fromEntries(Object.entries(TEXT_FIELDS).map(([n, v]) => [n, n === '43' ? v.padEnd(40, ' ') : v])),
  55: EMV_TAGS.map(
    ({ tag, value }) => tag + (value.length / 2).toString(16).padStart(2, '0').toUpperCase() + value,
  ).join(''),
};
