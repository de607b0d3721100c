import { Message, spec87ascii } from '@rx8583/iso8583';
import { DEFAULT_SERVE_TIMEOUT, defaultFailureReply, resolveServeOptions } from '../src/connection/request-handler';

const request = (mti: string) =>
  new Message(spec87ascii, {
    mti,
    fields: { 2: '4111111111111111', 3: '000000', 4: '1500', 11: '000123', 41: 'TERM0001', 52: new Uint8Array(8) },
  });

describe('defaultFailureReply (the answer to a request whose handler failed)', () => {
  it.each([
    ['0100', '0110'],
    ['0101', '0110'],
    ['0200', '0210'],
    ['0201', '0210'],
    ['0102', '0112'],
  ])('answers the authorization or financial request %s with %s and 39 = 96', (mti, responseMti) => {
    const answer = defaultFailureReply(request(mti));
    expect(answer?.mti).toBe(responseMti);
    expect(answer?.get(39)).toBe('96');
    expect([answer?.get(11), answer?.get(41)]).toEqual(['000123', 'TERM0001']);
    expect(answer?.has(52)).toBe(false);
  });

  it.each(['0120', '0121', '0220', '0221', '0400', '0401', '0420', '0421', '0800', '0300', '0600', '0500'])(
    'gives %s no answer (advices and reversals are repeated by the acquirer)',
    (mti) => {
      expect(defaultFailureReply(request(mti))).toBeUndefined();
    },
  );
});

describe('resolveServeOptions', () => {
  const handler = () => undefined;

  it('fills in the defaults', () => {
    expect(resolveServeOptions('serve', handler)).toEqual({
      concurrency: 128,
      timeout: DEFAULT_SERVE_TIMEOUT,
      failureReply: defaultFailureReply,
    });
  });

  it('refuses what is not a handler or a known option, saying what it got', () => {
    expect(() => resolveServeOptions('serve', undefined)).toThrow(
      new TypeError('serve: handler must be a function (request, connection) => reply, got undefined'),
    );
    expect(() => resolveServeOptions('serve', handler, { failureRepl: handler })).toThrow(
      new TypeError("serve: unknown option 'failureRepl' — did you mean 'failureReply'?"),
    );
    expect(() => resolveServeOptions('serve', handler, { concurrency: 0 })).toThrow(
      new RangeError('serve: options.concurrency must be a positive integer, got the number 0'),
    );
    expect(() => resolveServeOptions('serve', handler, { failureReply: '96' })).toThrow(
      new TypeError("serve: options.failureReply must be a function, got the string '96'"),
    );
    expect(() => resolveServeOptions('serve', handler, 128)).toThrow(
      new TypeError('serve: options must be an object, got the number 128'),
    );
  });
});
