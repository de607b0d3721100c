import { connect, SendTimeoutError, ConnectionClosedError, type Connection } from '@rx8583/connection';
import { spec87ascii } from '@rx8583/iso8583';
import { startIssuer, type IssuerRules, type RunningIssuer } from '@rx8583/simulator';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { purchase } from './support/messages';

let issuer: RunningIssuer | undefined;
let client: Connection | undefined;
afterEach(async () => {
  await client?.close();
  await issuer?.close();
  client = issuer = undefined;
});

const PAN = '4111111111111111';

async function start(rules: IssuerRules): Promise<Connection> {
  issuer = await startIssuer({ spec: spec87ascii, rules });
  client = await connect({ host: '127.0.0.1', port: issuer.address.port, spec: spec87ascii, sendTimeout: 2_000 });
  return client;
}

const byTerminal = (terminal: string, rule: IssuerRules['rules']) =>
  rule!.map((r) => ({ ...r, match: { ...r.match, terminal } }));

describe('issuer over a real socket', () => {
  it('answers by the rules, each request on its own schedule (a slow answer does not hold back a fast one)', async () => {
    const conn = await start({
      rules: [
        { name: 'slow', match: { terminal: 'SLOW0001' }, latency: { fixed: 300 }, respond: { code: '05' } },
        { name: 'fast', respond: { code: '00' } },
      ],
    });
    const order: string[] = [];
    const slow = conn.send(purchase(PAN, 1, { 41: 'SLOW0001' })).then((r) => order.push(`slow ${r.get(39)}`));
    const fast = conn.send(purchase(PAN, 1)).then((r) => order.push(`fast ${r.get(39)}`));
    await Promise.all([slow, fast]);
    expect(order).toEqual(['fast 00', 'slow 05']);
  });

  it('never answers with the noAnswer fault', async () => {
    const conn = await start({ rules: byTerminal('TERM0001', [{ fault: { type: 'noAnswer' } }]) });
    await expect(conn.send(purchase(PAN, 1), { timeout: 200 })).rejects.toBeInstanceOf(SendTimeoutError);
  });

  it('answers after the delay with answerAfter: late, onto inbound$', async () => {
    const conn = await start({ rules: [{ fault: { type: 'answerAfter', delay: 300 } }] });
    const late = firstValueFrom(conn.inbound$);
    const request = purchase(PAN, 1);
    await expect(conn.send(request, { timeout: 100 })).rejects.toBeInstanceOf(SendTimeoutError);
    const response = await late;
    expect([response.mti, response.get(11)]).toEqual(['0210', request.get(11)]);
  });

  it('closes the link with the close fault', async () => {
    const conn = await start({ rules: [{ fault: { type: 'close' } }] });
    await expect(conn.send(purchase(PAN, 1))).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(conn.closed).resolves.toMatchObject({ reason: 'peer' });
  });

  it('sends a frame that does not decode with the garbage fault', async () => {
    const conn = await start({ rules: [{ fault: { type: 'garbage' } }] });
    const unpackError = firstValueFrom(conn.events$.pipe(filter((e) => e.type === 'unpackError')));
    void conn.send(purchase(PAN, 1), { timeout: 300 }).catch(() => undefined);
    await expect(unpackError).resolves.toMatchObject({ type: 'unpackError' });
  });

  it('answers twice with the duplicate fault: the second answer is unmatched, on inbound$', async () => {
    const conn = await start({ rules: [{ fault: { type: 'duplicate' } }] });
    const duplicate = firstValueFrom(conn.inbound$);
    const request = purchase(PAN, 1);
    await expect(conn.send(request)).resolves.toMatchObject({ mti: '0210' });
    expect((await duplicate).get(11)).toBe(request.get(11));
  });

  it('answers with another STAN with the wrongStan fault', async () => {
    const conn = await start({ rules: [{ fault: { type: 'wrongStan' } }] });
    const stray = firstValueFrom(conn.inbound$);
    const request = purchase(PAN, 1, { 11: '000123' });
    await expect(conn.send(request, { timeout: 300 })).rejects.toBeInstanceOf(SendTimeoutError);
    expect((await stray).get(11)).toBe('500123');
  });

  it('reports a response that cannot be built, answers 96, and keeps serving the link', async () => {
    const conn = await start({
      rules: [{ match: { terminal: 'BAD00001' }, respond: { fields: { 38: 'MUCH TOO LONG FOR 38' } } }],
    });
    const errors = firstValueFrom(issuer!.errors$.pipe(take(1), toArray()));
    const failed = await conn.send(purchase(PAN, 1, { 41: 'BAD00001' }));
    expect(failed.get(39)).toBe('96');
    const [reported] = await errors;
    expect(reported!.mti).toBe('0200');
    expect(reported!.error.message).toMatch(/field 38/);
    expect(reported!.error.message).not.toContain(PAN);
    await expect(conn.send(purchase(PAN, 1))).resolves.toMatchObject({ mti: '0210' });
  });
});
