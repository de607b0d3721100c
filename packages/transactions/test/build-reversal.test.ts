import { Message, defineSpec, spec87ascii } from '@rx8583/iso8583';
import {
  buildReversal,
  originalDataElements,
  originalDataElements93,
  DEFAULT_REVERSAL_FIELDS,
} from '@rx8583/transactions';
import { cardMessage } from './support/host';

const at = new Date('2026-03-09T10:11:12Z');

describe('buildReversal', () => {
  it('1987: field 90 = original MTI, STAN, field 7, acquirer and forwarder zero-filled; reason in 39', () => {
    const original = cardMessage('0200', '000777', { 33: '98765', 52: '0011223344556677' });
    const reversal = buildReversal(original, {
      mti: '0420',
      reasonCode: '68',
      reasonField: 39,
      stan: '000900',
      at,
      copyFields: DEFAULT_REVERSAL_FIELDS,
    });
    expect(reversal.mti).toBe('0420');
    expect(reversal.get(90)).toBe('0200' + '000777' + '0309070501' + '00000123456' + '00000098765');
    expect(originalDataElements(original)).toBe(reversal.get(90));
    expect([reversal.get(11), reversal.get(7), reversal.get(39)]).toEqual(['000900', '0309101112', '68']);
    expect(reversal.has(35) || reversal.has(52)).toBe(false);
    expect(original.mti).toBe('0200'); // the original is untouched
    expect(() => reversal.pack()).not.toThrow();
  });

  it('1993: 1420 with field 56 (MTI, STAN, local date-time n12, LL acquirer), function code 400/401, reason in 25', () => {
    const spec93 = defineSpec({
      name: 'ISO 8583:1993 test',
      fields: {
        ...spec87ascii.fields,
        12: { type: 'numeric', length: 12, encoding: 'ascii' },
        24: { type: 'numeric', length: 3, encoding: 'ascii' },
        25: { type: 'numeric', length: 4, encoding: 'ascii' },
      },
    });
    const original = new Message(spec93, {
      mti: '1200',
      fields: { 2: '4761739001010119', 4: 1500, 11: '000321', 12: '260309101112', 32: '12345' },
    });
    const context = {
      mti: '1420',
      reasonCode: '4021',
      reasonField: 25,
      stan: '000321',
      at,
      copyFields: [2, 4, 12, 32],
    };
    const full = buildReversal(original, context);
    expect(full.get(56)).toBe('1200' + '000321' + '260309101112' + '05' + '12345');
    expect(originalDataElements93(original)).toBe(full.get(56));
    expect([full.get(24), full.get(25), full.has(90)]).toEqual(['400', '4021', false]);
    const partial = buildReversal(original, { ...context, replacementAmounts: '000000000500'.padEnd(42, '0') });
    expect([partial.get(24), partial.get(95)]).toEqual(['401', '000000000500'.padEnd(42, '0')]);
    expect(() => partial.pack()).not.toThrow();
  });
});
