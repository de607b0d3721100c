import { Message, PackError, UnpackError, spec87ascii, unpack } from '@rx8583/iso8583';
import { PAN, SECRETS, TRACK2, cardMessage } from './support/card-message';
import { thrown } from './support/specs';

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
