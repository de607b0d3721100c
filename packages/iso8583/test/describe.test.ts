import { inspect } from 'node:util';
import {
  Message,
  PackError,
  UnpackError,
  describe as describeMessage,
  maskPan,
  spec87ascii,
  spec87binary,
  unpack,
} from '@rx8583/iso8583';
import { thrown } from './support/specs';

const PAN = '4761739001010119';
const TRACK2 = `${PAN}=25122011143804400000`;
const TRACK1 = `B${PAN}^CARDHOLDER/JANE^2512201100000000000000443000000`;
const PIN_BLOCK = 'A1B2C3D4E5F60718';
const MAC = '0F1E2D3C4B5A6978';

function cardMessage(): Message {
  return new Message(spec87ascii, {
    mti: '0100',
    fields: {
      2: PAN,
      4: 1500,
      14: '2512',
      35: TRACK2,
      41: 'TERM0001',
      45: TRACK1,
      52: PIN_BLOCK,
      55: [
        { tag: '5A', value: PAN },
        { tag: '57', value: `${PAN}D25122011143804400000F` },
        { tag: '9F02', value: '000000001500' },
        { tag: 'DF7F', value: 'CAFEBABE' },
      ],
      64: MAC,
    },
  });
}

// Values that must never be readable: the PAN's middle digits, track discretionary data, PIN, MAC.
const SECRETS = [PAN, '739001', '25122011143804400000', 'CARDHOLDER', PIN_BLOCK, MAC, 'CAFEBABE'];

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

describe('maskPan', () => {
  it.each([
    ['4111111111111111', '411111******1111'],
    ['4111111111111111111', '411111*********1111'],
    ['5555555555554', '555555***5554'],
    ['123456789012', '********9012'],
    ['1234', '****'],
    ['', ''],
  ])('%s → %s', (pan, masked) => {
    expect(maskPan(pan)).toBe(masked);
  });
});

describe('errors never carry card data', () => {
  it('pack errors name the field, not the value', () => {
    const tooLong = thrown(() =>
      new Message(spec87ascii, { mti: '0100', fields: { 2: '4111111111111111111111' } }).pack(),
    );
    expect(tooLong).toBeInstanceOf(PackError);
    expect(tooLong.message).toBe('field 2: length 22 but the field takes at most 19');
    const notDigits = thrown(() => new Message(spec87ascii, { mti: '0100', fields: { 2: '41111111X1111111' } }).pack());
    expect(notDigits.message).toBe('field 2: character 9 is not a digit');
    const track = thrown(() => new Message(spec87ascii, { mti: '0100', fields: { 35: `${TRACK2}é` } }).pack());
    expect(track.message).not.toContain(PAN);
  });

  it('unpack errors name the field and offset, not the data', () => {
    const good = Buffer.from(cardMessage().pack());
    const errors: unknown[] = [];
    for (let i = 0; i < good.length; i++) {
      for (const corruption of [0xff, 0x3a]) {
        const bad = Buffer.from(good);
        bad[i] = corruption;
        try {
          unpack(spec87ascii, bad);
        } catch (error) {
          errors.push(error);
        }
      }
    }
    // 0xff is refused wherever text or digits are expected, ':' wherever digits are: most of them.
    expect(errors.length).toBeGreaterThan(good.length / 2);
    expect(errors.filter((error) => !(error instanceof UnpackError))).toEqual([]);
    const leaking = errors.filter((error) => SECRETS.some((secret) => (error as Error).message.includes(secret)));
    expect(leaking).toEqual([]);
    for (let end = 0; end < good.length; end++) {
      const error = thrown(() => unpack(spec87ascii, good.subarray(0, end)));
      expect(error).toBeInstanceOf(UnpackError);
      for (const secret of SECRETS) expect(error.message).not.toContain(secret);
    }
  });
});
