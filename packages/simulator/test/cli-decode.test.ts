import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLines, loadSpec, type InvalidVector, type ValidVector } from '../../iso8583/test/support/pyiso-spec';
import { runCli, CLI_TEST_TIMEOUT } from './support/cli';

jest.setTimeout(CLI_TEST_TIMEOUT);

// The pyiso8583 vectors the codec is checked against (packages/iso8583/test/fixtures), decoded by
// the real binary. The translated specs mark the card-data fields sensitive, as a real spec does.
const SPECS = ['pyiso8583-default', 'pyiso8583-default-ascii', 'pyiso8583-bcd'];
const SENSITIVE: Record<string, string> = { 2: 'pan', 35: 'track', 45: 'track', 52: 'pin' };

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'rx8583-decode-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function specFile(name: string): string {
  const spec = loadSpec(name);
  const fields = Object.fromEntries(
    Object.entries(spec.fields).map(([n, f]) => [n, SENSITIVE[n] ? { ...f, sensitive: SENSITIVE[n] } : f]),
  );
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify({ ...spec, fields }));
  return path;
}

describe.each(SPECS)('rx8583 decode of the %s vectors', (name) => {
  const valid = loadLines<ValidVector>(`${name}.valid.jsonl`);
  // An empty line is no message: vectors truncated to nothing are left out.
  const invalid = loadLines<InvalidVector>(`${name}.invalid.jsonl`).filter((v) => v.hex !== '');
  // Values long enough that their appearing in the output means they were not masked.
  const secrets = valid.flatMap((v) =>
    ['2', '35', '45'].map((n) => v.fields[n]).filter((s): s is string => (s?.length ?? 0) >= 12),
  );

  it('decodes every valid vector from stdin, card data masked', async () => {
    const spec = specFile(name);
    const result = await runCli(['decode', '--spec', spec], valid.map((v) => v.hex).join('\n'));
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout.match(/^# message \d+$/gm)).toHaveLength(valid.length);
    expect(secrets.length).toBeGreaterThan(10);
    expect(secrets.filter((s) => result.stdout.includes(s))).toEqual([]);
    // The MTI of every vector is there, in order.
    const mtis = [...result.stdout.matchAll(/^MTI .* (\S+)$/gm)].map((m) => m[1]);
    expect(mtis).toEqual(valid.map((v) => v.fields['t']));
  });

  it('shows the card data with --unmask, and takes base64 as well as hex', async () => {
    const spec = specFile(name);
    const base64 = valid.map((v) => Buffer.from(v.hex, 'hex').toString('base64')).join('\n');
    const result = await runCli(['decode', '--spec', spec, '--format', 'base64', '--unmask'], base64);
    expect(result.code).toBe(0);
    expect(secrets.filter((s) => !result.stdout.includes(s))).toEqual([]);
  });

  it('exits 1 for the invalid vectors, naming field and offset for each', async () => {
    const spec = specFile(name);
    const result = await runCli(['decode', '--spec', spec], invalid.map((v) => v.hex).join('\n'));
    expect(result.code).toBe(1);
    const errors = result.stderr.trim().split('\n');
    expect(errors).toHaveLength(invalid.length);
    for (const line of errors) expect(line).toMatch(/^rx8583 decode: message \d+: .*at offset \d+/);
  });
});

describe('rx8583 decode input forms', () => {
  const hex =
    Buffer.from('0800').toString('hex') +
    '8220000000000000' +
    '0400000000000000' +
    Buffer.from('1201103000000001301').toString('hex');

  it('reads a hex argument with the built-in binary-bitmap spec and a binary file', async () => {
    const bytes = Buffer.from(hex, 'hex');
    const file = join(dir, 'echo.bin');
    writeFileSync(file, bytes);
    const fromArgument = await runCli(['decode', '--spec', 'spec87binary', hex]);
    const fromFile = await runCli(['decode', '--spec', 'spec87binary', '--file', file, '--format', 'binary']);
    expect(fromArgument.code).toBe(fromFile.code);
    expect(fromArgument.stdout).toBe(fromFile.stdout);
  });

  it('strips the framing with --framed, several frames in one input', async () => {
    const body = Buffer.from(
      '0800' + '8220000000000000' + '0400000000000000' + '1201103000' + '000001' + '301',
      'latin1',
    );
    const framed = Buffer.concat([Buffer.from([0, body.length]), body, Buffer.from([0, body.length]), body]);
    const result = await runCli(['decode', '--framed', '--framing', 'binary2', framed.toString('hex')]);
    expect(result.code).toBe(0);
    expect(result.stdout.match(/^# message \d+$/gm)).toEqual(['# message 1', '# message 2']);
    expect(result.stdout).toMatch(/^70 .* 301$/m);
  });

  it('exits 2 for input that is not hex', async () => {
    const result = await runCli(['decode', '--format', 'hex', '08zz']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'rx8583: line 1 is not hex (an even number of 0-9 A-F digits)\n',
    });
  });
});
