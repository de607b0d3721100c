import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The built binary: tests run the real `rx8583` entry as users do, after `pnpm -r build`. */
export const BIN = join(__dirname, '..', '..', 'dist', 'cli', 'main.js');

function assertBuilt(): void {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`pnpm -r build\` before the CLI tests`);
}

/**
 * The test timeout for files that run the binary: each test starts one to three Node processes,
 * and Node's start-up alone takes seconds on a loaded 2-core machine (the suite's 20 s is too tight).
 */
export const CLI_TEST_TIMEOUT = 60_000;

/** What a finished run of the binary gave. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `rx8583 ...args` to completion (optionally with standard input). */
export function runCli(args: string[], input?: string | Buffer): Promise<CliResult> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** A long-running `rx8583` process (serve, switch) with what it printed so far. */
export class CliProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  /** Resolves with the first match of `pattern` in stdout, once it is printed; rejects if the process exits first. */
  waitFor(pattern: RegExp): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const match = this.stdout.match(pattern);
        if (!match) return false;
        this.child.stdout.off('data', check);
        resolve(match);
        return true;
      };
      if (check()) return;
      this.child.stdout.on('data', check);
      void this.exited.then((code) => {
        if (!check()) reject(new Error(`rx8583 exited (${code}) before printing ${pattern}: ${this.stderr}`));
      });
    });
  }

  /** Resolves once `count` lines of stdout match `pattern`; rejects if the process exits first. */
  waitForLines(pattern: RegExp, count: number): Promise<void> {
    const flags = pattern.flags.includes('m') ? pattern.flags : `${pattern.flags}m`;
    const global = new RegExp(pattern.source, flags.includes('g') ? flags : `${flags}g`);
    return new Promise((resolve, reject) => {
      const check = () => {
        if ((this.stdout.match(global) ?? []).length < count) return false;
        this.child.stdout.off('data', check);
        resolve();
        return true;
      };
      if (check()) return;
      this.child.stdout.on('data', check);
      void this.exited.then((code) => {
        if (!check())
          reject(new Error(`rx8583 exited (${code}) before ${count} lines matched ${pattern}: ${this.stderr}`));
      });
    });
  }

  /** Stops it with SIGTERM (graceful) and waits for the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

/** Starts `rx8583 ...args` and keeps it running. */
export function startCli(args: string[]): CliProcess {
  assertBuilt();
  return new CliProcess(spawn(process.execPath, [BIN, ...args], { stdio: 'pipe' }));
}

/** Starts `rx8583 serve` on a free port; resolves with the process and its port. */
export async function startServe(args: string[] = [], port = 0): Promise<{ serve: CliProcess; port: number }> {
  const serve = startCli(['serve', '--port', String(port), ...args]);
  const [, bound] = await serve.waitFor(/listening on 127\.0\.0\.1:(\d+)/);
  return { serve, port: Number(bound) };
}
