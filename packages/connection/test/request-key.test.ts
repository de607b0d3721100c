import { defaultRequestKey, isResponseMti, mtiClass } from '@rx8583/connection';
import { msg } from './support/link-spec';

describe('request keys', () => {
  it('advices are requests and their acknowledgements responses, in the class of their advice', () => {
    for (const [advice, response] of [
      ['0120', '0130'],
      ['0220', '0230'],
      ['0420', '0430'],
      ['0121', '0130'], // a repeated advice is answered like the first
    ] as const) {
      expect([advice, isResponseMti(advice)]).toEqual([advice, false]);
      expect([response, isResponseMti(response)]).toEqual([response, true]);
      expect(mtiClass(response)).toBe(mtiClass(advice));
      const stan = { 11: '000042', 41: 'TERM0001' };
      expect(defaultRequestKey(msg(response, stan))).toBe(defaultRequestKey(msg(advice, stan)));
    }
  });

  it('every odd function digit is a response; even ones, short and non-digit MTIs are not', () => {
    expect(['0110', '0130', '0150', '0170', '0190'].map(isResponseMti)).toEqual([true, true, true, true, true]);
    expect(['0100', '0800', '0420', '1804'].map(isResponseMti)).toEqual([false, false, false, false]);
    expect([undefined, '', '011', '01X0'].map(isResponseMti)).toEqual([false, false, false, false]);
  });

  it('keeps a reversal apart from the authorization whose STAN it reuses', () => {
    const stan = { 11: '000123' };
    expect(defaultRequestKey(msg('0410', stan))).not.toBe(defaultRequestKey(msg('0100', stan)));
    expect(defaultRequestKey(msg('0110', stan))).toBe('010|000123|');
  });
});
