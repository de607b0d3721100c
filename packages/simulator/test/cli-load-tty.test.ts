import { spawn } from 'node:child_process';
import { BIN, startServe, type CliProcess, CLI_TEST_TIMEOUT } from './support/cli';

jest.setTimeout(CLI_TEST_TIMEOUT);

let serve: CliProcess | undefined;
afterEach(async () => {
  await serve?.stop();
  serve = undefined;
});

/** Runs a command line in a pseudo-terminal (util-linux `script`), so the program sees a TTY. */
function inTerminal(command: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('rx8583 load in a terminal', () => {
  it('draws a progress bar (cli-progress), then the latency histogram and percentiles', async () => {
    const started = await startServe();
    serve = started.serve;
    const command = `'${process.execPath}' '${BIN}' load --to 127.0.0.1:${started.port} --rate 500 --duration 1500ms`;
    const { code, output } = await inTerminal(command);
    expect(code).toBe(0);
    // The bar redraws in place (carriage returns), with cli-progress's filled and empty blocks.
    expect(output).toMatch(/\r?\s?[█░]+ \d+% \| \d+ sent \| \d+ rt\/s \| p99 [\d.]+ ms \| errors 0 \| [\d.]+s/);
    expect(output).toMatch(/█{40} 100% \| 751 sent/);
    expect(output).toMatch(/latency histogram \(ms\)\r?\n(\s+≤ .*│.*\r?\n)+/);
    expect(output).toMatch(/p50 .* p90 .* p99 .* p99\.9 /);
    // Not the plain lines of a non-terminal.
    expect(output).not.toMatch(/^\[\s+\d+\.\d s\] sent/m);
  });
});
