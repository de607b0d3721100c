import { compileMatch, matchesRule, validateRules, type RuleMatch } from '@rx8583/simulator';
import { msg } from './support/messages';

const request = msg('0200', {
  2: '4111111111111111',
  3: '000000',
  4: '5000',
  11: '000001',
  41: 'TERM0001',
  49: '840',
});

/** A match as `validateRules` leaves it (lists, lower-case MTI patterns). */
const validated = (match: unknown): RuleMatch => validateRules({ rules: [{ match }] }).rules![0]!.match!;

describe('compileMatch', () => {
  it.each<[string, unknown, boolean]>([
    ['no conditions', {}, true],
    ['the MTI', { mti: '0200' }, true],
    ['another MTI', { mti: '0100' }, false],
    ['an MTI pattern with x', { mti: '02x0' }, true],
    ['an MTI pattern that differs in a fixed digit', { mti: '01X0' }, false],
    ['any MTI of a list', { mti: ['0100', '0200'] }, true],
    ['a processing code prefix', { processingCode: '00' }, true],
    ['another processing code', { processingCode: ['01', '20'] }, false],
    ['a BIN', { pan: ['411111'] }, true],
    ['a BIN range', { pan: [{ from: '400000', to: '499999' }] }, true],
    ['a BIN outside the range', { pan: [{ from: '500000', to: '599999' }] }, false],
    ['an amount inside the bounds', { amount: { min: 5000, max: 5000 } }, true],
    ['an amount above the maximum', { amount: { max: 4999 } }, false],
    ['an amount below the minimum', { amount: { min: 5001 } }, false],
    ['the terminal', { terminal: ['TERM0002', 'TERM0001'] }, true],
    ['another terminal', { terminal: 'TERM0002' }, false],
    ['the currency', { currency: '840' }, true],
    ['another currency', { currency: ['978'] }, false],
    ['present fields', { fields: { present: [2, 4] } }, true],
    ['a field that is absent', { fields: { present: [52] } }, false],
    ['absent fields', { fields: { absent: [52, 55] } }, true],
    ['a field that should be absent', { fields: { absent: [41] } }, false],
    ['all conditions together', { mti: '0200', pan: ['4111'], amount: { min: 100 }, currency: '840' }, true],
    ['all but one condition', { mti: '0200', pan: ['4111'], amount: { min: 100 }, currency: '978' }, false],
  ])('%s', (_, match, expected) => {
    const test = compileMatch(validated(match));
    expect(test(request)).toBe(expected);
    expect(matchesRule(validated(match), request)).toBe(expected);
  });

  it('never holds a condition on a field the request lacks', () => {
    const bare = msg('0200', { 11: '000002' });
    for (const match of [
      { processingCode: '00' },
      { pan: ['4'] },
      { amount: { min: 0 } },
      { terminal: 'TERM0001' },
      { currency: '840' },
    ]) {
      expect(compileMatch(validated(match))(bare)).toBe(false);
    }
  });

  it('holds for every request without a match', () => {
    expect(compileMatch(undefined)(request)).toBe(true);
  });
});
