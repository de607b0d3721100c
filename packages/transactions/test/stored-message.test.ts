import { createSecretKey } from 'node:crypto';
import { Message, spec87ascii } from '@rx8583/iso8583';
import { CardDataError, fromStoredMessage, toStoredMessage, type Tokenizer } from '@rx8583/transactions';
import { TEST_KEY, TEST_PAN, TEST_TRACK2, cardMessage } from './support/host';

const emv = [
  { tag: '9F02', value: Buffer.from('000000001500', 'hex') },
  { tag: '57', value: Buffer.from('4761739001010119D25122011143804400000F', 'hex') },
  { tag: '5A', value: Buffer.from(TEST_PAN, 'hex') },
];

function fullMessage(): Message {
  return cardMessage('0220', '000042', { 45: `B${TEST_PAN}^CARDHOLDER/TEST^2512201` })
    .set(52, '0123456789ABCDEF')
    .set(55, emv)
    .set(126, 'CVV2=123');
}

describe('toStoredMessage / fromStoredMessage', () => {
  it('leaves out tracks (35, 45, tag 57), the PIN block (52) and configured CVV2 locations; encrypts the PAN', async () => {
    const stored = await toStoredMessage(fullMessage(), { key: TEST_KEY, strip: [126] });
    expect(Object.keys(stored.fields).sort()).toEqual(['11', '2', '3', '32', '4', '41', '49', '55', '7']);
    const text = JSON.stringify(stored);
    expect(text).not.toContain(TEST_PAN);
    expect(text).not.toContain(TEST_TRACK2.slice(17));
    expect(text).not.toContain('CVV2');
    expect(text.toLowerCase()).not.toContain(TEST_PAN.toLowerCase()); // tag 5A's hex form
    expect(text).not.toContain('d2512201');

    const back = await fromStoredMessage(spec87ascii, stored, { key: TEST_KEY });
    expect(back.mti).toBe('0220');
    expect(back.get(2)).toBe(TEST_PAN);
    expect(back.has(35) || back.has(45) || back.has(52) || back.has(126)).toBe(false);
    expect(back.get(4)).toBe('000000001500');
    const icc = back.get(55) as Array<{ tag: string; value: Uint8Array }>;
    expect(icc.map((e) => e.tag)).toEqual(['9F02', '5A']);
    expect(Buffer.from(icc[1]!.value).toString('hex')).toBe(TEST_PAN);
    expect(() => back.pack()).not.toThrow();
  });

  it('strips a subfield path (CVV2 inside a composite) and works with a KeyObject', async () => {
    const key = createSecretKey(TEST_KEY);
    const stored = await toStoredMessage(fullMessage(), { key, strip: ['55.9F02', 126] });
    const back = await fromStoredMessage(spec87ascii, stored, { key });
    expect((back.get(55) as Array<{ tag: string }>).map((e) => e.tag)).toEqual(['5A']);
  });

  it('tokenises the PAN with a tokenizer instead', async () => {
    const vault = new Map<string, string>();
    const tokenizer: Tokenizer = {
      tokenize: (pan) => {
        vault.set(`tok-${vault.size}`, pan);
        return `tok-${vault.size - 1}`;
      },
      detokenize: (token) => vault.get(token)!,
    };
    const stored = await toStoredMessage(cardMessage('0220', '000001'), { tokenizer });
    expect(stored.fields['2']).toEqual({ t: 'tok-0' });
    expect((await fromStoredMessage(spec87ascii, stored, { tokenizer })).get(2)).toBe(TEST_PAN);
  });

  it('says which field cannot be restored under a wrong key, without the PAN', async () => {
    const stored = await toStoredMessage(cardMessage('0220', '000001'), { key: TEST_KEY });
    const error = await fromStoredMessage(spec87ascii, stored, { key: Buffer.alloc(32, 1) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CardDataError);
    expect((error as Error).message).toBe(
      'field 2: the PAN fails authentication under the configured key (wrong key or altered file)',
    );
  });
});
