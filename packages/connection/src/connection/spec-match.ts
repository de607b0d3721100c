import type { MessageSpec } from '@rx8583/iso8583';
import { SpecMismatchError } from '../errors';

// Per link spec, the message specs already compared with it: a link checks each distinct spec
// object once, so the check costs one WeakMap lookup a message.
const verdicts = new WeakMap<MessageSpec, WeakMap<MessageSpec, boolean>>();

function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const keysB = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((key) => sameData((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]));
}

/**
 * Throws `SpecMismatchError` unless `used` (the spec a message was built for) is the link's spec —
 * compared by structure, not by reference, so a spec loaded twice from the same JSON is the same.
 * A message of another spec would pack to bytes the peer reads as something else, or not at all,
 * and the send would end only as a `SendTimeoutError`.
 */
export function assertLinkSpec(where: string, used: MessageSpec, link: MessageSpec): void {
  if (used === link) return;
  let known = verdicts.get(link);
  if (known === undefined) verdicts.set(link, (known = new WeakMap()));
  let same = known.get(used);
  if (same === undefined) known.set(used, (same = sameData(used, link)));
  if (!same) throw new SpecMismatchError(where, used.name, link.name);
}
