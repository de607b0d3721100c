import { connect, type Connection } from '@rx8583/connection';
import { spec87ascii, type Message } from '@rx8583/iso8583';
import {
  startIssuer,
  startSwitch,
  type IssuerDecision,
  type IssuerRules,
  type Routing,
  type RunningIssuer,
  type RunningSwitch,
} from '@rx8583/simulator';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { purchase, reversalOf } from './support/messages';

const VISA = '4111111111111111';
const MC = '5500000000000004';
const AMEX = '370000000000002';

let issuers: RunningIssuer[] = [];
let sw: RunningSwitch | undefined;
let acquirer: Connection | undefined;
afterEach(async () => {
  await acquirer?.close();
  await sw?.close();
  await Promise.all(issuers.map((i) => i.close()));
  issuers = [];
  sw = acquirer = undefined;
});

const accounts = (pan: string, balance: number): IssuerRules['accounts'] => ({ cards: { [pan]: { balance } } });

async function issuer(rules: IssuerRules, port = 0): Promise<RunningIssuer> {
  const started = await startIssuer({ spec: spec87ascii, rules, port });
  issuers.push(started);
  return started;
}

async function switchFor(visa: number, mc: number, extra: Partial<Routing> = {}): Promise<Connection> {
  sw = await startSwitch({
    spec: spec87ascii,
    routing: {
      issuers: { visa: { addresses: [`127.0.0.1:${visa}`] }, mc: { addresses: [`127.0.0.1:${mc}`] } },
      routes: [
        { pan: ['4'], issuer: 'visa', standIn: { floorLimit: 5_000 } },
        { pan: [{ from: '510000', to: '559999' }], issuer: 'mc' },
      ],
      // Every answered leg must beat it, also on a loaded machine (400 ms was tight: one round trip took
      // over 300 ms at load 18); the late issuer below answers after it, in deadline order, whatever the load.
      legTimeout: 1_500,
      institution: '999',
      reconnect: { initial: 50, max: 200 },
      storeAndForward: { retry: { initial: 50, max: 200 }, responseTimeout: 1_000 },
      ...extra,
    },
  });
  acquirer = await connect({ host: '127.0.0.1', port: sw.address.port, spec: spec87ascii, sendTimeout: 10_000 });
  return acquirer;
}

const decisions = (i: RunningIssuer, count: number) =>
  firstValueFrom(i.simulator.decisions$.pipe(take(count), toArray()));

/** Waits until the pools have a link up: the first requests of a test must not meet a link still dialling. */
async function poolsUp(): Promise<void> {
  for (const pool of Object.values(sw!.pools))
    await firstValueFrom(pool.connections$.pipe(filter((l) => l.length > 0)));
}

describe('switch', () => {
  it('routes by BIN, each issuer leg with its own STAN and field 7, the RRN kept, the response mapped back', async () => {
    const visa = await issuer({ accounts: accounts(VISA, 10_000) });
    const mc = await issuer({ rules: [{ respond: { code: '05', fields: { 38: 'MC0001' } } }] });
    const conn = await switchFor(visa.address.port, mc.address.port);
    await poolsUp();
    const request = purchase(VISA, 1_000, { 37: 'RRN000000042', 11: '000777', 7: '1201000000' });
    const visaLegs = decisions(visa, 1);
    const response = await conn.send(request);
    expect([response.mti, response.get(39), response.get(11), response.get(7), response.get(37)]).toEqual([
      '0210',
      '00',
      '000777',
      '1201000000',
      'RRN000000042',
    ]);
    const [leg] = await visaLegs;
    expect(leg!.stan).not.toBe('000777');
    expect(visa.simulator.accounts!.balance(VISA)).toBe(9_000);
    const declined = await conn.send(purchase(MC, 1_000));
    expect([declined.get(39), declined.get(38)]).toEqual(['05', 'MC0001']);
    expect(declined.has(33)).toBe(false); // the switch's institution id stays on the issuer side
  });

  it("sends a reversal to its original's issuer with field 90 rewritten to the leg, which finds the original", async () => {
    const visa = await issuer({ accounts: accounts(VISA, 10_000) });
    const mc = await issuer({});
    const conn = await switchFor(visa.address.port, mc.address.port);
    await poolsUp();
    const original = purchase(VISA, 2_500);
    await conn.send(original);
    expect(visa.simulator.accounts!.balance(VISA)).toBe(7_500);
    const reversed = await conn.send(reversalOf(original));
    expect([reversed.mti, reversed.get(39)]).toEqual(['0430', '00']);
    expect(visa.simulator.accounts!.balance(VISA)).toBe(10_000);
    expect((await conn.send(reversalOf(original, {}, true))).get(39)).toBe('00'); // a repeat restores nothing more
    expect(visa.simulator.accounts!.balance(VISA)).toBe(10_000);
  });

  it('answers 15 for a PAN no route covers', async () => {
    const visa = await issuer({});
    const mc = await issuer({});
    const conn = await switchFor(visa.address.port, mc.address.port);
    expect((await conn.send(purchase(AMEX, 100))).get(39)).toBe('15');
  });

  it('reverses an issuer leg that timed out (the issuer had approved it) and answers the acquirer in stand-in', async () => {
    const slow: IssuerRules = {
      accounts: accounts(VISA, 10_000),
      rules: [{ name: 'late', match: { mti: '0200' }, fault: { type: 'answerAfter', delay: 2_000 } }],
    };
    const visa = await issuer(slow);
    const mc = await issuer({});
    const conn = await switchFor(visa.address.port, mc.address.port);
    await poolsUp();
    const seen = decisions(visa, 3);
    const response = await conn.send(purchase(VISA, 1_000));
    expect([response.get(39), response.get(38)]).toEqual(['00', expect.stringMatching(/^S\d{5}$/)]);
    const [original, reversal, advice] = (await seen) as IssuerDecision[];
    expect([original!.mti, original!.code, original!.by]).toEqual(['0200', '00', 'accounts']);
    expect([reversal!.mti, reversal!.by, reversal!.reason]).toEqual(['0420', 'accounts', 'reversed: 1000 restored']);
    expect([advice!.mti, advice!.by, advice!.reason]).toEqual(['0220', 'accounts', 'advice posted']);
    // Debited by the late approval, restored by the reversal, debited by the stand-in advice: once.
    expect(visa.simulator.accounts!.balance(VISA)).toBe(9_000);
  });

  it('stands in while an issuer is down — floor limit, PIN, no stand-in — and delivers the advices once it is back', async () => {
    const visa = await issuer({ accounts: accounts(VISA, 100_000) });
    const mc = await issuer({});
    const visaPort = visa.address.port;
    const conn = await switchFor(visaPort, mc.address.port);
    await poolsUp();
    await visa.close();
    issuers = issuers.filter((i) => i !== visa);
    await firstValueFrom(sw!.pools['visa']!.connections$.pipe(filter((l) => l.length === 0)));
    const codes = async (m: Message) => (await conn.send(m)).get(39);
    expect(await codes(purchase(VISA, 5_000))).toBe('00');
    expect(await codes(purchase(VISA, 5_001))).toBe('05');
    expect(await codes(purchase(VISA, 100, { 52: new Uint8Array(8) }))).toBe('91');
    await mc.close();
    issuers = issuers.filter((i) => i !== mc);
    await firstValueFrom(sw!.pools['mc']!.connections$.pipe(filter((l) => l.length === 0)));
    expect(await codes(purchase(MC, 100))).toBe('91'); // no stand-in configured: no advice either
    const approved = purchase(VISA, 2_000);
    expect(await codes(approved)).toBe('00');
    expect((await conn.send(reversalOf(approved))).get(39)).toBe('00'); // answered by the switch, queued
    const back = await issuer({ accounts: accounts(VISA, 100_000) }, visaPort);
    const delivered = await decisions(back, 5);
    expect(delivered.map((d) => `${d.mti.slice(0, 3)}x ${d.reason}`)).toEqual([
      '022x advice posted',
      '022x declined advice recorded',
      '022x declined advice recorded',
      '022x advice posted',
      '042x reversed: 2000 restored',
    ]);
    expect(back.simulator.accounts!.balance(VISA)).toBe(95_000);
  });
});
