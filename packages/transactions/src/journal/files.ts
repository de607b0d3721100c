import { promises as fs } from 'node:fs';
import * as path from 'node:path';

/** Files that hold payment data are readable and writable by their owner only. */
export const PRIVATE_FILE_MODE = 0o600;
/** Directories created for them: the owner only. */
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Makes a directory entry change (a create, a rename) durable: without it a crash can forget a
 * renamed file even though its contents were fsync'd. Platforms that cannot open a directory
 * (Windows) skip it, as they order directory updates themselves.
 */
export async function fsyncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!isCode(error, 'EISDIR', 'EPERM', 'EINVAL')) throw error;
  } finally {
    await handle?.close();
  }
}

/**
 * Replaces `file` with `contents` atomically: written to a temporary file (mode 0600), fsync'd,
 * renamed over `file`, then the directory fsync'd. A crash at any point leaves the old file or the
 * new one, never a mix.
 */
export async function replaceFile(file: string, contents: Uint8Array): Promise<void> {
  const temporary = `${file}.tmp-${process.pid}`;
  const handle = await fs.open(temporary, 'w', PRIVATE_FILE_MODE);
  try {
    await handle.chmod(PRIVATE_FILE_MODE);
    await handle.writeFile(contents);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temporary, file);
  await fsyncDirectory(path.dirname(file));
}

/** Creates `dir` and its parents (mode 0700) when missing. */
export async function ensureDirectory(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/** Whether `error` is a Node system error with one of these codes. */
export function isCode(error: unknown, ...codes: string[]): boolean {
  return typeof error === 'object' && error !== null && codes.includes((error as { code?: string }).code ?? '');
}
