import { RuleError, validateRules } from '@rx8583/simulator';

function ruleErrorOf(document: unknown): RuleError {
  try {
    validateRules(document);
  } catch (error) {
    if (error instanceof RuleError) return error;
    throw error;
  }
  throw new Error('validateRules accepted the document');
}

describe('validateRules', () => {
  it('accepts every kind of condition, action, latency and fault', () => {
    const rules = validateRules({
      defaultCode: '00',
      requireSignOn: true,
      networkManagement: { echo: ['301', '399'] },
      rules: [
        {
          name: 'everything',
          match: {
            mti: ['01x0', '0200'],
            processingCode: '00',
            pan: ['411111', { from: '510000', to: '559999' }],
            amount: { min: 100, max: 5000 },
            terminal: 'TERM0001',
            currency: ['840', '978'],
            fields: { present: [52], absent: [55] },
          },
          respond: { code: '05', fields: { 38: 'ABC123' } },
          latency: { normal: { mean: 20, stddev: 5 } },
          probability: 0.5,
        },
        { latency: { uniform: { min: 1, max: 2 } }, fault: { type: 'answerAfter', delay: 100 } },
        { latency: { fixed: 3 }, fault: { type: 'wrongStan' } },
      ],
      accounts: { timeZone: 'America/New_York', cards: { '4111111111111111': { balance: 100, dailyLimit: 50 } } },
    });
    expect(rules.rules).toHaveLength(3);
    expect(rules.rules![0]!.match!.mti).toEqual(['01x0', '0200']);
    expect(rules.rules![0]!.match!.terminal).toEqual(['TERM0001']);
    expect(rules.accounts!.cards['4111111111111111']).toEqual({ balance: 100, dailyLimit: 50 });
  });

  it.each([
    [
      { rules: [{ name: 'big', match: { amount: { min: '12.50' } } }] },
      'issuer.rules[0].match.amount.min',
      "rule 0 'big': issuer.rules[0].match.amount.min must be an integer ≥ 0, got the string '12.50'",
    ],
    [
      { rules: [{}, { match: { mit: '0100' } }] },
      'issuer.rules[1].match.mit',
      "rule 1: issuer.rules[1].match.mit is not a known key — did you mean 'mti'?",
    ],
    [
      { rules: [{ name: 'x', fault: { type: 'hangUp' } }] },
      'issuer.rules[0].fault.type',
      'rule 0 \'x\': issuer.rules[0].fault.type must be one of noAnswer, answerAfter, close, garbage, duplicate, wrongStan, got "hangUp"',
    ],
    [
      { rules: [{ name: 'c', respond: { code: 'APPROVED' } }] },
      'issuer.rules[0].respond.code',
      "rule 0 'c': issuer.rules[0].respond.code must be a 2-character response code, got the string 'APPROVED'",
    ],
    [
      { rules: [{ name: 'f', respond: { fields: { 39: '00' } } }] },
      'issuer.rules[0].respond.fields.39',
      "rule 0 'f': issuer.rules[0].respond.fields.39 is not a field that can be set (2–128, and 39 is set by `code`)",
    ],
    [
      { rules: [{ name: 'l', latency: { fixed: 1, normal: { mean: 1, stddev: 1 } } }] },
      'issuer.rules[0].latency',
      "rule 0 'l': issuer.rules[0].latency must have exactly one of fixed, uniform, normal",
    ],
    [
      { rules: [{ name: 'p', match: { pan: [{ from: '4999', to: '4000' }] } }] },
      'issuer.rules[0].match.pan[0]',
      "rule 0 'p': issuer.rules[0].match.pan[0] has from greater than to",
    ],
    [{ rules: {} }, 'issuer.rules', 'issuer.rules must be an array, got an object'],
    [{ defaultCod: '00' }, 'issuer.defaultCod', "issuer.defaultCod is not a known key — did you mean 'defaultCode'?"],
  ])('refuses %j at %s', (document, path, message) => {
    const error = ruleErrorOf(document);
    expect({ path: error.path, message: error.message, name: error.name }).toEqual({
      path,
      message,
      name: 'RuleError',
    });
  });

  it('names a card by its masked PAN, never the whole number', () => {
    const error = ruleErrorOf({ accounts: { cards: { '4111111111111111': { balance: -1 } } } });
    expect(error.message).toBe(
      "issuer.accounts.cards['411111******1111'].balance must be an integer ≥ 0 (minor units), got -1",
    );
    expect(error.message).not.toContain('4111111111111111');
  });

  it('refuses a time zone Node does not know', () => {
    expect(ruleErrorOf({ accounts: { timeZone: 'Mars/Olympus', cards: {} } }).message).toBe(
      "issuer.accounts.timeZone is not a time zone this Node knows (an IANA name such as 'Europe/Berlin')",
    );
  });
});
