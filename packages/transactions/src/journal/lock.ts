import { promises as fs, readFileSync } from 'node:fs';
import { LockHeldError } from '../errors';
import { PRIVATE_FILE_MODE, fsyncDirectory, isCode } from './files';
import * as path from 'node:path';

/** A held single-writer lock. */
export interface FileLock {
  /** The lock file. */
  readonly path: string;
  /** Removes the lock file (only if it is still ours). Idempotent. */
  release(): Promise<void>;
}

/** What a lock file says about its owner. */
interface LockOwner {
  pid: number;
  /** The owner's start time as the OS reports it (Linux: /proc/<pid>/stat field 22), or null. */
  start: string | null;
}

/**
 * Takes the single-writer lock `file` for this process. The file names the owner's pid and start
 * time. A lock whose owner is gone — no such pid, or the pid now belongs to a process that started
 * at another time (pids are reused) — is taken over, so a writer that crashed (SIGKILL, power loss)
 * never blocks its restart. Throws `LockHeldError` while the owner runs.
 *
 * The lock is created whole, never half-written: its contents go to a private temporary file that
 * is then hard-linked to the lock's name, which fails if the name exists.
 */
export async function acquireLock(file: string): Promise<FileLock> {
  const me: LockOwner = { pid: process.pid, start: processStart(process.pid) };
  const contents = JSON.stringify(me);
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temporary, contents, { mode: PRIVATE_FILE_MODE });
  try {
    for (let tries = 0; ; tries++) {
      try {
        await fs.link(temporary, file);
        await fsyncDirectory(path.dirname(file));
        return lockHandle(file, contents);
      } catch (error) {
        if (!isCode(error, 'EEXIST') || tries >= 3) throw error;
      }
      const owner = await readOwner(file);
      if (owner !== undefined && isAlive(owner)) throw new LockHeldError(file, owner.pid);
      // The owner is gone: remove its lock and try again. `tries` bounds a fight with another
      // process doing the same over the same dead owner.
      await fs.rm(file, { force: true });
    }
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

function lockHandle(file: string, contents: string): FileLock {
  let released = false;
  return {
    path: file,
    async release() {
      if (released) return;
      released = true;
      const current = await fs.readFile(file, 'utf8').catch(() => undefined);
      if (current === contents) await fs.rm(file, { force: true });
    },
  };
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(file, 'utf8')) as Partial<LockOwner>;
    if (typeof parsed.pid === 'number' && Number.isInteger(parsed.pid) && parsed.pid > 0) {
      return { pid: parsed.pid, start: typeof parsed.start === 'string' ? parsed.start : null };
    }
  } catch {
    // Unreadable or not JSON: not written by acquireLock (which creates the file whole), so stale.
  }
  return undefined;
}

function isAlive(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    // EPERM: the pid exists but belongs to another user, so it is running.
    if (!isCode(error, 'EPERM')) return false;
  }
  if (owner.start === null) return true;
  const start = processStart(owner.pid);
  // Where the OS does not say (no /proc), a live pid is taken as the owner.
  return start === null || start === owner.start;
}

/** A process's start time in clock ticks since boot, from /proc (Linux); null elsewhere. */
function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (the command) is in parentheses and may hold spaces: count from the last ')'.
    const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return after[19] ?? null; // field 22 = starttime; `after` starts at field 3
  } catch {
    return null;
  }
}
