import { inspect } from 'node:util';
import { Message, describe as describeMessage, spec87ascii, spec87binary, unpack } from '@rx8583/iso8583';
import { PAN, PIN_BLOCK, SECRETS, TRACK2, cardMessage } from './support/card-message';

describe('describe', () => {
  it('prints one line per field with number, name and value, masked by default', () => {
    const text = describeMessage(cardMessage());
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^MTI\s+Message Type Indicator \.+ 0100$/);
    expect(text).toMatch(/^2\s+Primary Account Number \(PAN\) \.+ 476173\*{6}0119$/m);
    expect(text).toMatch(/^4\s+Amount, Transaction \.+ 000000001500$/m);
    expect(text).toMatch(/^14\s+Date, Expiration \(YYMM\) \.+ \[hidden\]$/m);
    expect(text).toMatch(/^35\s+Track 2 Data \.+ 476173\*{6}0119=\*\*\*$/m);
    expect(text).toMatch(/^45\s+Track 1 Data \.+ B476173\*{6}0119\^\*\*\*$/m);
    expect(text).toMatch(/^52\s+.+ \[hidden\]$/m);
    expect(text).toMatch(/^55\s+Integrated Circuit Card \(ICC\) Data \.+ 4 elements$/m);
    expect(text).toMatch(/^55\.5A\s+Application PAN \.+ 476173\*{6}0119$/m);
    expect(text).toMatch(/^55\.57\s+Track 2 Equivalent Data \.+ 476173\*{6}0119D\*\*\*$/m);
    expect(text).toMatch(/^55\.9F02\s+Amount, Authorised \(Numeric\) \.+ 000000001500$/m);
    expect(text).toMatch(/^55\.DF7F\s+\[hidden\]$/m);
    expect(text).toMatch(/^64\s+.+ \[hidden\]$/m);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });

  it('shows everything with { mask: false }, binary values as hex', () => {
    const text = describeMessage(cardMessage(), { mask: false });
    expect(text).toContain(PAN);
    expect(text).toContain(TRACK2);
    expect(text).toContain(PIN_BLOCK);
    expect(text).toMatch(/^55\.DF7F\s+CAFEBABE$/m);
  });

  it('masks the same way after a round trip through the binary spec', () => {
    const message = unpack(
      spec87binary,
      new Message(spec87binary, { mti: '0100', fields: { 2: PAN, 35: TRACK2 } }).pack(),
    );
    const text = describeMessage(message);
    expect(text).toContain('476173******0119');
    expect(text).not.toContain(PAN);
  });

  it('escapes control characters in text values', () => {
    const message = new Message(spec87ascii, { mti: '0100', fields: { 44: 'A\nB' } });
    expect(describeMessage(message)).toMatch(/^44\s+Additional Response Data \.+ A\\x0aB$/m);
  });

  it('is what console.log and util.inspect show', () => {
    const shown = inspect(cardMessage());
    expect(shown.startsWith('Message (ISO 8583:1987 ASCII)\n')).toBe(true);
    for (const secret of SECRETS) expect(shown).not.toContain(secret);
  });

  it('a JSON dump of a message carries no field values', () => {
    const json = JSON.stringify(cardMessage());
    for (const secret of SECRETS) expect(json).not.toContain(secret);
  });
});
