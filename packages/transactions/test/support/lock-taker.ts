/**
 * A process that races for a lock, for the lock test: reads commands on stdin, one a line —
 * `take <file>` tries `acquireLock(file)` and prints `won`, `held <pid>` or `error <message>`;
 * `release` releases what it holds and prints `released`. Prints `ready` first.
 */
import { createInterface } from 'node:readline';
import { LockHeldError } from '../../src/errors';
import { acquireLock, type FileLock } from '../../src/journal/lock';

let held: FileLock | undefined;

async function run(command: string): Promise<string> {
  const [verb, file] = command.split(' ');
  if (verb === 'release') {
    await held?.release();
    held = undefined;
    return 'released';
  }
  try {
    held = await acquireLock(file!);
    return 'won';
  } catch (error) {
    return error instanceof LockHeldError ? `held ${error.pid}` : `error ${(error as Error).message}`;
  }
}

const lines = createInterface({ input: process.stdin });
lines.on('line', (command) => void run(command).then((answer) => process.stdout.write(`${answer}\n`)));
lines.on('close', () => void held?.release());
process.stdout.write('ready\n');
