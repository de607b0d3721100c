import { Message, spec87ascii, type FieldInput } from '@rx8583/iso8583';

let stan = 0;
/** A fresh STAN for each request of a test file. */
export function nextStan(): string {
  stan = (stan % 999_999) + 1;
  return String(stan).padStart(6, '0');
}

/** A spec87ascii message. */
export function msg(mti: string, fields: Record<number, FieldInput> = {}): Message {
  return new Message(spec87ascii, { mti, fields });
}

/** A purchase request for `pan` and `amount` (minor units), with a fresh STAN. */
export function purchase(pan: string, amount: number, extra: Record<number, FieldInput> = {}): Message {
  return msg('0200', {
    2: pan,
    3: '000000',
    4: amount,
    7: '1201103000',
    11: nextStan(),
    32: '123456',
    37: '000000000001',
    41: 'TERM0001',
    49: '840',
    ...extra,
  });
}

/** The reversal (0420) of `original`, with field 90 built from it; `repeat` makes it a 0421. */
export function reversalOf(original: Message, extra: Record<number, FieldInput> = {}, repeat = false): Message {
  const text = (n: number) => (original.has(n) ? String(original.get(n)) : '');
  const data = `${original.mti}${text(11).padStart(6, '0')}${text(7).padStart(10, '0')}${text(32).padStart(11, '0')}${text(33).padStart(11, '0')}`;
  return msg(repeat ? '0421' : '0420', {
    2: text(2),
    3: text(3),
    4: text(4),
    7: '1201103100',
    11: nextStan(),
    32: text(32),
    41: text(41),
    90: data,
    ...extra,
  });
}
