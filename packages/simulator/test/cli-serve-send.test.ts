import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, startServe, type CliProcess, CLI_TEST_TIMEOUT } from './support/cli';

jest.setTimeout(CLI_TEST_TIMEOUT);

let running: CliProcess[] = [];
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'rx8583-cli-'))));
afterEach(async () => {
  await Promise.all(running.map((p) => p.stop()));
  running = [];
  rmSync(dir, { recursive: true, force: true });
});

const PAN = '4111111111111111';

describe('rx8583 serve + send (real processes)', () => {
  it('answers a send by the rules file, prints the response masked, exits 0', async () => {
    const rules = join(dir, 'issuer.json');
    writeFileSync(
      rules,
      JSON.stringify({ rules: [{ name: 'big', match: { amount: { min: 100_000 } }, respond: { code: '05' } }] }),
    );
    const { serve, port } = await startServe(['--rules', rules]);
    running.push(serve);
    const fields = ['-f', `2=${PAN}`, '-f', '3=000000', '-f', '41=TERM0001', '-f', '49=840'];
    const approved = await runCli(['send', '--to', `127.0.0.1:${port}`, '--mti', '0200', ...fields, '-f', '4=1500']);
    expect(approved.code).toBe(0);
    expect(approved.stdout).toMatch(/^MTI .* 0210$/m);
    expect(approved.stdout).toMatch(/^39 .* 00$/m);
    expect(approved.stdout).toContain('411111******1111');
    expect(approved.stdout + approved.stderr).not.toContain(PAN);
    const declined = await runCli(['send', '--to', `127.0.0.1:${port}`, '--mti', '0200', ...fields, '-f', '4=250000']);
    expect(declined.stdout).toMatch(/^39 .* 05$/m);
  });

  it('shows card data only with --unmask', async () => {
    const { serve, port } = await startServe();
    running.push(serve);
    const sent = await runCli([
      'send',
      '--to',
      `127.0.0.1:${port}`,
      '--unmask',
      '--message',
      JSON.stringify({ mti: '0100', fields: { 2: PAN, 3: '000000', 4: '100' } }),
    ]);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain(PAN);
  });

  it('exits 1 when no response comes in time', async () => {
    const rules = join(dir, 'silent.json');
    writeFileSync(rules, JSON.stringify({ rules: [{ fault: { type: 'noAnswer' } }] }));
    const { serve, port } = await startServe(['--rules', rules]);
    running.push(serve);
    const sent = await runCli([
      'send',
      '--to',
      `127.0.0.1:${port}`,
      '--mti',
      '0800',
      '-f',
      '70=301',
      '--timeout',
      '300ms',
    ]);
    expect(sent.code).toBe(1);
    expect(sent.stderr).toMatch(/^rx8583: no response for request .* within 300 ms$/m);
    expect(sent.stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2, naming rule and field without a stack, for a wrong rules file', async () => {
    const rules = join(dir, 'bad.json');
    writeFileSync(rules, JSON.stringify({ rules: [{ name: 'typo', match: { ammount: { min: 1 } } }] }));
    const result = await runCli(['serve', '--port', '0', '--rules', rules]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      "rx8583: rule 0 'typo': issuer.rules[0].match.ammount is not a known key — did you mean 'amount'?\n",
    );
  });

  it.each([
    [
      ['send', '--to', '127.0.0.1:1', '--spec', 'spec87ascci', '--mti', '0800'],
      /unknown spec 'spec87ascci'.*did you mean 'spec87ascii'\?/,
    ],
    [
      ['send', '--to', '127.0.0.1:1', '--framing', 'binary3', '--mti', '0800'],
      /unknown framing 'binary3'.*did you mean 'binary2'\?/,
    ],
    [['send', '--mti', '0800'], /required option '--to <host:port>' not specified/],
    [['load', '--to', '127.0.0.1:1'], /give --duration or --count/],
    [['serve', '--rules', '/nonexistent/rules.json'], /cannot read rules file \/nonexistent\/rules.json: ENOENT/],
    [['nosuchcommand'], /unknown command 'nosuchcommand'/],
  ])('exits 2 for the usage error of %j', async (args, message) => {
    const result = await runCli(args);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 2, stderr: expect.stringMatching(message) });
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('has --help with examples on every command', async () => {
    for (const command of ['serve', 'send', 'load', 'decode', 'specs']) {
      const help = await runCli([command, '--help']);
      expect({ command, code: help.code }).toEqual({ command, code: 0 });
      expect(help.stdout).toMatch(new RegExp(`Examples:\\n\\s+\\$ rx8583 ${command}`));
    }
  });
});
