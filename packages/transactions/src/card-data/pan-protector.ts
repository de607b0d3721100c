import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto';
import { CardDataError } from '../errors';

/** Turns a PAN into something safe to store and back (a token vault, a format-preserving cipher...). */
export interface Tokenizer {
  /** The token standing for `pan`. */
  tokenize(pan: string): string | Promise<string>;
  /** The PAN a token stands for. */
  detokenize(token: string): string | Promise<string>;
}

/**
 * How PANs are kept at rest: encrypted with AES-GCM under `key` (16, 24 or 32 bytes: AES-128/192/256),
 * or replaced by a `tokenizer`'s token. One of the two is required: no store writes a PAN in clear.
 */
export type PanProtection = { key: Uint8Array | KeyObject } | { tokenizer: Tokenizer };

/** A PAN as stored: `e` = base64 of IV (12) + tag (16) + ciphertext, or `t` = a token. */
export type ProtectedPan = { e: string } | { t: string };

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Checks the protection settings up front, naming what is wrong. */
export function assertPanProtection(where: string, protection: PanProtection | undefined): void {
  if (typeof protection !== 'object' || protection === null || !('key' in protection || 'tokenizer' in protection)) {
    throw new TypeError(`${where}: cardData needs { key } (AES-GCM) or { tokenizer }: PANs are never stored in clear`);
  }
  if ('key' in protection) {
    const { key } = protection;
    const size = key instanceof Uint8Array ? key.length : key?.symmetricKeySize;
    if (size !== 16 && size !== 24 && size !== 32) {
      throw new RangeError(`${where}: cardData.key must be 16, 24 or 32 bytes (AES-128/192/256), got ${String(size)}`);
    }
  } else if (
    typeof protection.tokenizer?.tokenize !== 'function' ||
    typeof protection.tokenizer.detokenize !== 'function'
  ) {
    throw new TypeError(`${where}: cardData.tokenizer needs tokenize(pan) and detokenize(token)`);
  }
}

/** Protects one PAN; `field` (e.g. `2`, `'55.5A'`) is bound to the ciphertext as associated data. */
export async function protectPan(protection: PanProtection, field: string, pan: string): Promise<ProtectedPan> {
  if ('tokenizer' in protection) return { t: await protection.tokenizer.tokenize(pan) };
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(algorithm(protection.key), protection.key, iv);
  cipher.setAAD(Buffer.from(field));
  const ciphertext = Buffer.concat([cipher.update(pan, 'utf8'), cipher.final()]);
  return { e: Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64') };
}

/** Restores a protected PAN; throws `CardDataError` when the key or token does not fit. */
export async function restorePan(protection: PanProtection, field: string, stored: ProtectedPan): Promise<string> {
  if ('t' in stored) {
    if (!('tokenizer' in protection))
      throw new CardDataError(field, 'stored as a token, but no tokenizer is configured');
    try {
      return await protection.tokenizer.detokenize(stored.t);
    } catch (error) {
      throw new CardDataError(field, 'the tokenizer could not resolve the token', { cause: error });
    }
  }
  if (!('key' in protection)) throw new CardDataError(field, 'stored encrypted, but no key is configured');
  const bytes = Buffer.from(stored.e, 'base64');
  try {
    const decipher = createDecipheriv(algorithm(protection.key), protection.key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(field));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch (error) {
    throw new CardDataError(
      field,
      'the PAN fails authentication under the configured key (wrong key or altered file)',
      {
        cause: error,
      },
    );
  }
}

function algorithm(key: Uint8Array | KeyObject): 'aes-128-gcm' | 'aes-192-gcm' | 'aes-256-gcm' {
  const size = key instanceof Uint8Array ? key.length : key.symmetricKeySize!;
  return size === 16 ? 'aes-128-gcm' : size === 24 ? 'aes-192-gcm' : 'aes-256-gcm';
}
