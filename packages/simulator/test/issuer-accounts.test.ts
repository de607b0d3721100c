import { IssuerSimulator } from '@rx8583/simulator';
import { msg, nextStan, purchase, reversalOf } from './support/messages';

const PAN = '4111111111111111';
const codeOf = (issuer: IssuerSimulator, request: ReturnType<typeof msg>) => issuer.answer(request).response?.get(39);

function issuerWith(balance: number, dailyLimit: number | undefined, now: () => Date = () => new Date()) {
  const card = dailyLimit === undefined ? { balance } : { balance, dailyLimit };
  return new IssuerSimulator({ accounts: { timeZone: 'America/New_York', cards: { [PAN]: card } } }, { now });
}

describe('card accounts', () => {
  it('approves and debits within the balance, declines 51 above it', () => {
    const issuer = issuerWith(10_000, undefined);
    expect(codeOf(issuer, purchase(PAN, 6_000))).toBe('00');
    expect(issuer.accounts!.balance(PAN)).toBe(4_000);
    expect(codeOf(issuer, purchase(PAN, 4_001))).toBe('51');
    expect(issuer.accounts!.balance(PAN)).toBe(4_000);
  });

  it('declines 61 over the daily limit, and the limit starts again at midnight in the configured zone', () => {
    // 04:59 UTC is 23:59 in New York (EST, UTC-5); 05:00 UTC is the next day there.
    let now = new Date('2026-12-01T04:59:00Z');
    const issuer = issuerWith(100_000, 5_000, () => now);
    expect(codeOf(issuer, purchase(PAN, 5_000))).toBe('00');
    expect(codeOf(issuer, purchase(PAN, 1))).toBe('61');
    now = new Date('2026-12-01T05:00:00Z');
    expect(codeOf(issuer, purchase(PAN, 5_000))).toBe('00');
    expect(issuer.accounts!.balance(PAN)).toBe(90_000);
  });

  it('answers a repeat of a decided request the same, without a second debit', () => {
    const issuer = issuerWith(10_000, undefined);
    const original = purchase(PAN, 3_000);
    expect(codeOf(issuer, original)).toBe('00');
    const repeat = original.clone();
    repeat.mti = '0201';
    expect(codeOf(issuer, repeat)).toBe('00');
    expect(issuer.accounts!.balance(PAN)).toBe(7_000);
  });

  it('restores the amount of a matching reversal once, however many repeats arrive', () => {
    const issuer = issuerWith(10_000, 8_000);
    const original = purchase(PAN, 3_000);
    issuer.answer(original);
    expect(codeOf(issuer, reversalOf(original))).toBe('00');
    expect(issuer.accounts!.balance(PAN)).toBe(10_000);
    expect(issuer.accounts!.spentToday(PAN)).toBe(0);
    expect(codeOf(issuer, reversalOf(original, {}, true))).toBe('00');
    expect(codeOf(issuer, reversalOf(original, {}, true))).toBe('00');
    expect(issuer.accounts!.balance(PAN)).toBe(10_000);
  });

  it('restores nothing for a reversal whose field 90 names another original, and answers 25', () => {
    const issuer = issuerWith(10_000, undefined);
    const original = purchase(PAN, 3_000);
    issuer.answer(original);
    const other = purchase(PAN, 3_000); // same amount and PAN, another STAN
    expect(codeOf(issuer, reversalOf(other))).toBe('25');
    expect(issuer.accounts!.balance(PAN)).toBe(7_000);
  });

  it('never restores for a declined original', () => {
    const issuer = issuerWith(1_000, undefined);
    const declined = purchase(PAN, 3_000);
    expect(codeOf(issuer, declined)).toBe('51');
    expect(codeOf(issuer, reversalOf(declined))).toBe('00');
    expect(issuer.accounts!.balance(PAN)).toBe(1_000);
  });

  it('restores only the difference to the actual amount of a partial reversal (95)', () => {
    const issuer = issuerWith(10_000, undefined);
    const original = purchase(PAN, 3_000);
    issuer.answer(original);
    const partial = reversalOf(original, { 95: '000000001000'.padEnd(42, '0') });
    expect(codeOf(issuer, partial)).toBe('00');
    expect(issuer.accounts!.balance(PAN)).toBe(9_000); // 7 000 + (3 000 - 1 000)
    expect(codeOf(issuer, reversalOf(original))).toBe('00'); // a later full reversal: already reversed
    expect(issuer.accounts!.balance(PAN)).toBe(9_000);
  });

  it('leaves PANs without an account to the rules and the default code', () => {
    const issuer = new IssuerSimulator({
      defaultCode: '05',
      accounts: { cards: { [PAN]: { balance: 0 } } },
    });
    expect(codeOf(issuer, purchase('5500000000000004', 100))).toBe('05');
  });
});

describe('IssuerSimulator rules and network management', () => {
  const issuer = new IssuerSimulator({
    rules: [
      { name: 'pin', match: { fields: { present: [52] } }, respond: { code: '55' } },
      {
        name: 'bin',
        match: { pan: [{ from: '510000', to: '559999' }], amount: { min: 100_000 } },
        respond: { code: '05', fields: { 44: 'R' } },
      },
      { name: 'slow', match: { terminal: 'SLOW0001' }, latency: { fixed: 250 } },
    ],
  });

  it('applies the first matching rule, with its fields', () => {
    const bin = issuer.answer(purchase('5500000000000004', 100_000));
    expect([bin.response!.mti, bin.response!.get(39), bin.response!.get(44), bin.decision.by]).toEqual([
      '0210',
      '05',
      'R',
      'bin',
    ]);
    expect(issuer.answer(purchase('5500000000000004', 99_999)).response!.get(39)).toBe('00');
    expect(issuer.answer(purchase('4111111111111111', 1, { 52: new Uint8Array(8) })).response!.get(39)).toBe('55');
  });

  it('takes latency from a rule without a code and leaves the code to the default', () => {
    const slow = issuer.answer(purchase('4111111111111111', 1, { 41: 'SLOW0001' }));
    expect([slow.delay, slow.response!.get(39), slow.decision.by]).toEqual([250, '00', 'slow']);
  });

  it('echoes the identification fields of the request, never its PIN block', () => {
    const request = purchase('4111111111111111', 1, { 52: new Uint8Array(8) });
    const response = issuer.answer(request).response!;
    expect(response.fieldNumbers()).toEqual([2, 3, 4, 7, 11, 32, 37, 39, 41, 49]);
    expect(response.get(11)).toBe(request.get(11));
  });

  it('answers 0800 sign-on, echo and sign-off by field 70, and tracks the sign-on', () => {
    const gated = new IssuerSimulator({ requireSignOn: true });
    const link = { signedOn: false };
    const code = (m: ReturnType<typeof msg>) => gated.answer(m, link).response!.get(39);
    expect(code(purchase('4111111111111111', 1))).toBe('91');
    const signOn = gated.answer(msg('0800', { 7: '1201103000', 11: nextStan(), 70: '001' }), link).response!;
    expect([signOn.mti, signOn.get(39), signOn.get(70), link.signedOn]).toEqual(['0810', '00', '001', true]);
    expect(code(purchase('4111111111111111', 1))).toBe('00');
    expect(code(msg('0800', { 11: nextStan(), 70: '301' }))).toBe('00');
    expect(code(msg('0800', { 11: nextStan(), 70: '002' }))).toBe('00');
    expect(link.signedOn).toBe(false);
    expect(code(msg('0800', { 11: nextStan(), 70: '999' }))).toBe('12');
  });

  it('reports each decision without card data', () => {
    const decisions: unknown[] = [];
    const sub = issuer.decisions$.subscribe((d) => decisions.push(d));
    const request = purchase('5500000000000004', 100_000);
    issuer.answer(request);
    sub.unsubscribe();
    expect(decisions).toEqual([{ mti: '0200', stan: request.get(11), code: '05', by: 'bin' }]);
  });
});
