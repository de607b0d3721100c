import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { acquireLock } from '@rx8583/transactions';
import { tempDir } from './support/host';

const root = path.join(__dirname, '..', '..', '..');
const TAKER = path.join(__dirname, 'support', 'lock-taker.ts');

/** A lock-taker child: `ask(command)` writes a command and resolves with its answer line. */
interface Taker {
  proc: ChildProcess;
  ask(command: string): Promise<string>;
  /** Resolves once the child printed `ready`. */
  ready: Promise<string>;
}

function startTaker(): Taker {
  const proc = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', TAKER], {
    cwd: root,
    env: { ...process.env, TS_NODE_PROJECT: path.join(root, 'tsconfig.test.json') },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const waiting: Array<{ resolve: (line: string) => void; reject: (error: Error) => void }> = [];
  let stderr = '';
  let rest = '';
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const line of parts) waiting.shift()?.resolve(line);
  });
  proc.on('exit', (code) => {
    for (const waiter of waiting.splice(0)) waiter.reject(new Error(`lock taker exited (${code}): ${stderr}`));
  });
  const next = () => new Promise<string>((resolve, reject) => waiting.push({ resolve, reject }));
  const ready = next();
  return {
    proc,
    ready,
    ask(command) {
      const answer = next();
      proc.stdin!.write(`${command}\n`);
      return answer;
    },
  };
}

/** A pid that no process has any more: a child that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('acquireLock: two processes racing to take over a dead owner’s lock', () => {
  let temp: ReturnType<typeof tempDir>;
  let takers: Taker[] = [];

  beforeEach(() => (temp = tempDir()));
  afterEach(async () => {
    await Promise.all(
      takers.map(
        (taker) =>
          new Promise<void>((resolve) => {
            if (taker.proc.exitCode !== null) return resolve();
            taker.proc.once('exit', () => resolve());
            taker.proc.stdin!.end();
          }),
      ),
    );
    takers = [];
    temp.remove();
  });

  it('lets exactly one win, every round, and the other see it as the running owner', async () => {
    takers = [startTaker(), startTaker()];
    expect(await Promise.all(takers.map((t) => t.ready))).toEqual(['ready', 'ready']);
    const pids = takers.map((t) => t.proc.pid!);
    const file = path.join(temp.dir, 'journal.lock');
    const dead = deadPid();
    const ROUNDS = 60;
    const winners: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      writeFileSync(file, JSON.stringify({ pid: dead, start: `${round}` }));
      // Both commands are written before either answer is read: the two processes race.
      const answers = await Promise.all(takers.map((t) => t.ask(`take ${file}`)));
      const won = answers.map((answer, i) => (answer === 'won' ? i : -1)).filter((i) => i >= 0);
      expect({ round, answers, won: won.length }).toEqual({ round, answers, won: 1 });
      const winner = won[0]!;
      expect(answers[1 - winner]).toBe(`held ${pids[winner]}`);
      expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(pids[winner]);
      winners.push(winner);
      expect(await Promise.all(takers.map((t) => t.ask('release')))).toEqual(['released', 'released']);
      expect(existsSync(file)).toBe(false);
    }
    // No takeover or temporary file is left behind.
    expect(readdirSync(temp.dir)).toEqual([]);
    expect(winners).toHaveLength(ROUNDS);
  }, 120_000); // two ts-node processes start first: seconds each on a loaded machine

  it('takes over past a takeover lock left by a taker that crashed half-way', async () => {
    const file = path.join(temp.dir, 'journal.lock');
    const stale = { pid: deadPid(), start: '1' };
    writeFileSync(file, JSON.stringify(stale));
    // The crashed taker held the takeover lock of that stale lock when it died.
    const crashedTaker = JSON.stringify({ pid: deadPid(), start: '2' });
    writeFileSync(`${file}.takeover-${stale.pid}-1`, crashedTaker);
    // Another died after removing an older stale lock, leaving its takeover lock and temporary file.
    writeFileSync(`${file}.takeover-999999-7`, crashedTaker);
    writeFileSync(`${file}.${JSON.parse(crashedTaker).pid}.tmp`, crashedTaker);
    // A live process's takeover lock (this one's, as a stand-in) is left alone.
    writeFileSync(`${file}.takeover-live`, JSON.stringify({ pid: process.pid, start: null }));
    const lock = await acquireLock(file);
    expect(JSON.parse(readFileSync(file, 'utf8')).pid).toBe(process.pid);
    expect(readdirSync(temp.dir).sort()).toEqual(['journal.lock', 'journal.lock.takeover-live']);
    await lock.release();
  });
});
