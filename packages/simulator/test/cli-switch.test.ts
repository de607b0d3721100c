import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadReport } from '@rx8583/simulator';
import { runCli, startCli, startServe, type CliProcess, CLI_TEST_TIMEOUT } from './support/cli';

jest.setTimeout(CLI_TEST_TIMEOUT);

let running: CliProcess[] = [];
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'rx8583-switch-'))));
afterEach(async () => {
  await Promise.all(running.map((p) => p.stop()));
  running = [];
  rmSync(dir, { recursive: true, force: true });
});

const lines = (text: string, pattern: RegExp) => text.split('\n').filter((line) => pattern.test(line));

describe('rx8583 switch with two rx8583 serve issuers (real processes)', () => {
  it('answers every request by its issuer or in stand-in while one issuer is killed, and delivers the advices once it is back', async () => {
    const { serve: visa, port: visaPort } = await startServe(['--verbose']);
    const first = await startServe(['--verbose']);
    let mc = first.serve;
    const mcPort = first.port;
    running.push(visa, mc);
    const routing = join(dir, 'routing.json');
    writeFileSync(
      routing,
      JSON.stringify({
        issuers: { visa: { addresses: [`127.0.0.1:${visaPort}`] }, mc: { addresses: [`127.0.0.1:${mcPort}`] } },
        routes: [
          { pan: ['4'], issuer: 'visa', standIn: { floorLimit: 5000 } },
          { pan: ['5'], issuer: 'mc', standIn: { floorLimit: 5000 } },
        ],
        legTimeout: 2000,
        reconnect: { initial: 100, max: 300 },
        storeAndForward: { journal: join(dir, 'switch.journal'), retry: { initial: 100, max: 300 } },
      }),
    );
    const sw = startCli(['switch', '--routing', routing, '--port', '0', '--verbose']);
    running.push(sw);
    const [, switchPort] = await sw.waitFor(/listening on 127\.0\.0\.1:(\d+)/);
    const mix = join(dir, 'mix.json');
    const purchase = (pan: string) => ({
      mti: '0200',
      fields: { 2: pan, 3: '000000', 4: '1000', 41: 'TERM0001', 49: '840' },
    });
    writeFileSync(mix, JSON.stringify({ messages: [purchase('4111111111111111'), purchase('5500000000000004')] }));
    // Both issuers' links up before the load starts.
    await sw.waitForLines(/^issuer (visa|mc) link up/, 2);
    const load = runCli([
      'load',
      '--to',
      `127.0.0.1:${switchPort}`,
      '--mix',
      mix,
      '--rate',
      '200',
      '--duration',
      '4s',
      '--json',
    ]);

    await mc.waitForLines(/^0200 \d{6} → 00/, 40);
    await mc.stop('SIGKILL');
    await sw.waitForLines(/ → stand-in for mc → 00 \(under floor limit\), advice queued/, 40);
    ({ serve: mc } = await startServe(['--verbose'], mcPort));
    running.push(mc);

    const result = await load;
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as LoadReport;
    expect(report.errors).toEqual({});
    expect(report.answered).toBe(report.sent);
    expect(report.codes).toEqual({ '00': report.sent });

    const routed = lines(sw.stdout, /^0200 \d{6} → (visa|mc) → /);
    const stoodIn = lines(sw.stdout, /^0200 \d{6} → stand-in for mc → 00/);
    expect(routed.length + stoodIn.length).toBe(report.sent);
    expect(lines(sw.stdout, /stand-in for visa/)).toEqual([]);
    expect(lines(sw.stdout, / → mc → /).length).toBeGreaterThanOrEqual(40);

    // Every stand-in advice reaches the issuer once it is back (repeats, if any, carry the same STAN).
    await mc.waitForLines(/^022[01] \d{6} → 00/, stoodIn.length);
    const advised = new Set(lines(mc.stdout, /^022[01] /).map((line) => line.slice(5, 11)));
    expect(advised.size).toBe(stoodIn.length);
  });

  it('reverses a leg that timed out: the issuer gets an 0420 for it, the acquirer an answer in stand-in', async () => {
    const rules = join(dir, 'slow.json');
    writeFileSync(
      rules,
      JSON.stringify({
        rules: [{ name: 'late', match: { mti: '0200' }, fault: { type: 'answerAfter', delay: 1500 } }],
      }),
    );
    const { serve: visa, port } = await startServe(['--verbose', '--rules', rules]);
    running.push(visa);
    const routing = join(dir, 'routing.json');
    writeFileSync(
      routing,
      JSON.stringify({
        issuers: { visa: { addresses: [`127.0.0.1:${port}`] } },
        routes: [{ pan: ['4'], issuer: 'visa', standIn: { floorLimit: 5000 } }],
        legTimeout: 300,
        storeAndForward: { journal: join(dir, 'switch.journal'), retry: { initial: 100, max: 300 } },
      }),
    );
    const sw = startCli(['switch', '--routing', routing, '--port', '0', '--verbose']);
    running.push(sw);
    const [, switchPort] = await sw.waitFor(/listening on 127\.0\.0\.1:(\d+)/);
    await sw.waitForLines(/^issuer visa link up/, 1);
    const sent = await runCli([
      'send',
      '--to',
      `127.0.0.1:${switchPort}`,
      '--mti',
      '0200',
      '-f',
      '2=4111111111111111',
      '-f',
      '3=000000',
      '-f',
      '4=1000',
      '-f',
      '41=TERM0001',
    ]);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toMatch(/^39 .* 00$/m);
    expect(sent.stdout).toMatch(/^38 .* S\d{5}$/m);
    // The leg (its own STAN) went out, timed out, and was reversed with that STAN's original data.
    const [, legStan] = await visa.waitFor(/^0200 (\d{6}) → 00 by late/m);
    await visa.waitForLines(/^0420 \d{6} → 00/, 1);
    await sw.waitForLines(/^queued 0420 delivered to visa/, 1);
    expect(sw.stdout).toMatch(/^0200 \d{6} → stand-in for visa → 00 \(under floor limit\), advice queued$/m);
    expect(legStan).toMatch(/^\d{6}$/);
  });
});
