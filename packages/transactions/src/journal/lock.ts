import { createHash } from 'node:crypto';
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
 * never blocks its restart. Throws `LockHeldError` while the owner runs, or while another process
 * is taking the same dead owner's lock over.
 *
 * The lock is created whole, never half-written: its contents go to a private temporary file that
 * is then hard-linked to the lock's name, which fails if the name exists.
 *
 * Taking over is where two restarting processes can collide: both find the same dead owner, and
 * if each removed the lock and linked its own, the second would remove the first's fresh lock and
 * both would write. So only one may remove a given stale lock: it must first hold the takeover
 * lock named after that lock's contents (`<file>.takeover-<id>`, taken the same way, so a taker
 * that crashed there is itself taken over), and then checks that the lock still holds those
 * contents. A racer that comes later finds the takeover lock held, or the lock no longer the
 * dead owner's, and the new owner alive.
 */
export async function acquireLock(file: string): Promise<FileLock> {
  const contents = JSON.stringify({ pid: process.pid, start: processStart(process.pid) } satisfies LockOwner);
  const temporary = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temporary, contents, { mode: PRIVATE_FILE_MODE });
  try {
    const lock = await linkLock(file, temporary, contents);
    await removeLeftovers(file);
    return lock;
  } finally {
    await fs.rm(temporary, { force: true });
  }
}

/**
 * Removes the takeover locks and temporary files beside `file` that processes which died left
 * (a taker killed half-way). Safe while we hold the lock: a takeover lock only guards contents the
 * lock no longer has, so one removed under a racer lets it find the lock ours, and give up.
 */
async function removeLeftovers(file: string): Promise<void> {
  const dir = path.dirname(file);
  const prefix = `${path.basename(file)}.`;
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    const leftover = path.join(dir, name);
    // A temporary file may be half-written by its live process: judge it by the pid in its name.
    const temporary = /^([0-9]+)\.tmp$/.exec(rest);
    if (temporary !== null && !isAlive({ pid: Number(temporary[1]), start: null }))
      await fs.rm(leftover, { force: true });
    if (!rest.startsWith('takeover-')) continue;
    // Takeover locks are linked whole from a finished temporary file: their contents say who.
    const owner = parseOwner(await fs.readFile(leftover, 'utf8').catch(() => ''));
    if (owner === undefined || !isAlive(owner)) await fs.rm(leftover, { force: true });
  }
}

// Each round either takes the lock, fails, or finds it changed hands; a few bound a run of
// owners dying one after another under us.
const MAX_ROUNDS = 5;

async function linkLock(file: string, temporary: string, contents: string): Promise<FileLock> {
  for (let round = 1; ; round++) {
    try {
      await fs.link(temporary, file);
      await fsyncDirectory(path.dirname(file));
      return lockHandle(file, contents);
    } catch (error) {
      if (!isCode(error, 'EEXIST') || round >= MAX_ROUNDS) throw error;
    }
    const stale = await fs.readFile(file, 'utf8').catch((error: unknown) => {
      if (isCode(error, 'ENOENT')) return undefined; // released meanwhile: link again
      throw error;
    });
    if (stale === undefined) continue;
    const owner = parseOwner(stale);
    if (owner !== undefined && isAlive(owner)) throw new LockHeldError(file, owner.pid);
    const takeover = await linkLock(`${file}.takeover-${ownerId(stale)}`, temporary, contents).catch(
      (error: unknown) => {
        // Another live process is taking the lock over, and will own it.
        throw error instanceof LockHeldError ? new LockHeldError(file, error.pid) : error;
      },
    );
    try {
      // Holding the takeover lock of these contents, we alone may remove them — if still there.
      if ((await fs.readFile(file, 'utf8').catch(() => undefined)) === stale) await fs.rm(file, { force: true });
    } finally {
      await takeover.release();
    }
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

function parseOwner(contents: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(contents) as Partial<LockOwner>;
    if (typeof parsed.pid === 'number' && Number.isInteger(parsed.pid) && parsed.pid > 0) {
      return { pid: parsed.pid, start: typeof parsed.start === 'string' ? parsed.start : null };
    }
  } catch {
    // Unreadable or not JSON: not written by acquireLock (which creates the file whole), so stale.
  }
  return undefined;
}

/** A file-name-safe name for a lock's contents: its owner's pid and start, or a digest of unreadable ones. */
function ownerId(contents: string): string {
  const owner = parseOwner(contents);
  if (owner !== undefined) return `${owner.pid}-${owner.start ?? 'unknown'}`.replace(/[^0-9A-Za-z-]/g, '_');
  return `unreadable-${createHash('sha256').update(contents).digest('hex').slice(0, 16)}`;
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
