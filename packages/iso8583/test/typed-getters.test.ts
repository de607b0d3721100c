import {
  describe as describeFromIndex,
  describeMessage,
  FieldTypeError,
  Message,
  MissingFieldError,
  spec87ascii,
} from '@rx8583/iso8583';
import { thrown } from './support/specs';

describe('typed getters', () => {
  const message = new Message(spec87ascii, {
    mti: '0200',
    fields: { 2: '4111111111111111', 4: 1500, 41: 'TERM0001', 52: '0123456789ABCDEF', 55: { '9F02': '000000001500' } },
  });

  it('getString returns text and digits, getString(0) the MTI; getBytes returns bytes', () => {
    const amount: string = message.getString(4);
    const pin: Uint8Array = message.getBytes(52);
    expect(amount).toBe('000000001500');
    expect(message.getString(41)).toBe('TERM0001');
    expect(message.getString(0)).toBe('0200');
    expect(Buffer.from(pin).toString('hex')).toBe('0123456789abcdef');
  });

  it('throw MissingFieldError naming the field when it is absent', () => {
    const error = thrown(() => message.getString(11));
    expect(error).toBeInstanceOf(MissingFieldError);
    expect(error).toMatchObject({ name: 'MissingFieldError', field: 11 });
    expect(error.message).toBe('field 11: absent (check has(11) first, or use get(11), which returns undefined)');
    expect(thrown(() => message.getBytes(64))).toMatchObject({ name: 'MissingFieldError', field: 64 });
  });

  it('throw FieldTypeError naming the getter to use for a value of another kind, without the value', () => {
    const pinAsText = thrown(() => message.getString(52));
    expect(pinAsText).toBeInstanceOf(FieldTypeError);
    expect(pinAsText.message).toBe('field 52: holds bytes, not a string (use getBytes(52))');
    expect(thrown(() => message.getBytes(2)).message).toBe('field 2: holds text, not bytes (use getString(2))');
    expect(thrown(() => message.getString(55)).message).toBe(
      'field 55: holds TLV elements, not a string (use get(55))',
    );
  });

  it('describeMessage is describe under a name that does not shadow the test runner', () => {
    expect(describeMessage).toBe(describeFromIndex);
    expect(describeMessage(message)).toContain('411111******1111');
  });
});
