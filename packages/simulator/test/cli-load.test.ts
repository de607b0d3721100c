import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadReport } from '@rx8583/simulator';
import { runCli, startServe, type CliProcess, CLI_TEST_TIMEOUT } from './support/cli';

jest.setTimeout(CLI_TEST_TIMEOUT);

let running: CliProcess[] = [];
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'rx8583-load-'))));
afterEach(async () => {
  await Promise.all(running.map((p) => p.stop()));
  running = [];
  rmSync(dir, { recursive: true, force: true });
});

async function serveWith(rules: unknown): Promise<number> {
  const file = join(dir, 'rules.json');
  writeFileSync(file, JSON.stringify(rules));
  const { serve, port } = await startServe(['--rules', file]);
  running.push(serve);
  return port;
}

const MIX = {
  messages: [
    {
      name: 'small',
      weight: 3,
      mti: '0200',
      fields: { 2: '4111111111111111', 3: '000000', 4: '1000', 41: 'TERM0001', 49: '840' },
    },
    {
      name: 'big',
      weight: 1,
      mti: '0200',
      fields: { 2: '4111111111111111', 3: '000000', 4: '900000', 41: 'TERM0001', 49: '840' },
    },
  ],
};

describe('rx8583 load against rx8583 serve (real processes)', () => {
  it('reports counts by response code and latency percentiles as JSON, by concurrency and count', async () => {
    const port = await serveWith({
      rules: [{ name: 'big', match: { amount: { min: 100_000 } }, respond: { code: '51' } }],
    });
    const mix = join(dir, 'mix.json');
    writeFileSync(mix, JSON.stringify(MIX));
    const result = await runCli([
      'load',
      '--to',
      `127.0.0.1:${port}`,
      '--mix',
      mix,
      '--concurrency',
      '20',
      '--count',
      '2000',
      '--json',
    ]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    const report = JSON.parse(result.stdout) as LoadReport;
    expect(report).toMatchObject({ mode: { concurrency: 20 }, sent: 2000, answered: 2000, errors: {} });
    expect(report.codes['00']! + report.codes['51']!).toBe(2000);
    // Weights 3:1 — far from the edges for 2 000 draws.
    expect(report.codes['51']).toBeGreaterThan(300);
    expect(report.codes['51']).toBeLessThan(700);
    const { p50, p90, p99, p999, max } = report.latencyMs;
    expect(0 < p50 && p50 <= p90 && p90 <= p99 && p99 <= p999 && p999 <= max).toBe(true);
    expect(report.histogram.reduce((sum, [, count]) => sum + count, 0)).toBe(2000);
  });

  it('holds a rate for a duration, measuring from the schedule, and prints plain progress lines when not a TTY', async () => {
    const port = await serveWith({});
    const result = await runCli([
      'load',
      '--to',
      `127.0.0.1:${port}`,
      '--rate',
      '400',
      '--duration',
      '1500ms',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as LoadReport;
    expect(report.mode).toEqual({ rate: 400 });
    // 1.5 s at 400/s is 600 scheduled requests (the schedule, not the host, decides how many).
    expect(report.sent).toBeGreaterThanOrEqual(599);
    expect(report.sent).toBeLessThanOrEqual(601);
    expect(report.codes).toEqual({ '00': report.sent });
    expect(result.stderr).toMatch(
      /^\[\s+\d+\.\d s\] sent \d+ {2}answered \d+ {2}errors 0 {2}\d+ rt\/s {2}p99 [\d.]+ ms$/m,
    );
  });

  it('counts requests without a response and exits 1 above --max-error-rate', async () => {
    const port = await serveWith({ rules: [{ match: { terminal: 'DEAD0001' }, fault: { type: 'noAnswer' } }] });
    const mix = join(dir, 'mix.json');
    writeFileSync(
      mix,
      JSON.stringify({
        messages: [
          { weight: 1, mti: '0200', fields: { 2: '4111111111111111', 3: '000000', 4: '1', 41: 'DEAD0001' } },
          { weight: 1, mti: '0200', fields: { 2: '4111111111111111', 3: '000000', 4: '1', 41: 'LIVE0001' } },
        ],
      }),
    );
    const args = [
      'load',
      '--to',
      `127.0.0.1:${port}`,
      '--mix',
      mix,
      '--count',
      '40',
      '--concurrency',
      '40',
      '--timeout',
      '300ms',
      '--progress',
      'none',
    ];
    const strict = await runCli([...args, '--json']);
    const report = JSON.parse(strict.stdout) as LoadReport;
    expect(strict.code).toBe(1);
    expect(report.errors['SendTimeoutError']).toBe(report.sent - report.answered);
    expect(report.errors['SendTimeoutError']).toBeGreaterThan(0);
    const lenient = await runCli([...args, '--max-error-rate', '1']);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toMatch(/^errors \(no response\)\n {2}SendTimeoutError +\d+$/m);
    expect(lenient.stdout).toMatch(/^latency histogram \(ms\)$/m);
    expect(lenient.stdout).toMatch(/^p50 .* p90 .* p99 .* p99\.9 .*$/m);
  });

  it('refuses a mix file that is wrong, naming the message and field, exit 2', async () => {
    const mix = join(dir, 'mix.json');
    writeFileSync(mix, JSON.stringify({ messages: [{ name: 'p', mti: '200', fields: {} }] }));
    const result = await runCli(['load', '--to', '127.0.0.1:1', '--mix', mix, '--count', '1']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: "rx8583: message 0 'p': mix.messages[0].mti must be an MTI of 4 digits, got the string '200'\n",
    });
  });
});
