import type { Message, MessageSpec } from '@rx8583/iso8583';
import { MixError } from '../errors';
import { readDocument } from '../json-reader';
import { readMessage } from '../message-json';

/** One kind of message in a load mix: a template and how often it is sent relative to the others. */
export interface MixEntry {
  /** Shown in errors. */
  name?: string;
  /** Relative frequency (default 1): weights 3 and 1 send 75 % and 25 %. */
  weight: number;
  /** The template; `load` sets 11, 7 and 37 on each copy. */
  message: Message;
}

/**
 * Reads a message mix: `{ "messages": [ { "name": "purchase", "weight": 9, "mti": "0200",
 * "fields": { ... } }, ... ] }`. Throws `MixError` naming the entry and field.
 *
 * @example
 * ```ts
 * const mix = readMix(JSON.parse(readFileSync('mix.json', 'utf8')), spec87ascii);
 * ```
 */
export function readMix(document: unknown, spec: MessageSpec): MixEntry[] {
  const root = readDocument(document, (path, message) => new MixError(path, message), 'mix');
  root.object(['messages']);
  const entries = root.child('messages').array();
  if (entries.length === 0) root.child('messages').fail('must hold at least one message');
  return entries.map((entry, i) => {
    const raw = entry.value as { name?: unknown } | null;
    const r = entry.within(typeof raw?.name === 'string' ? `message ${i} '${raw.name}': ` : `message ${i}: `);
    const message = readMessage(r, spec, ['name', 'weight']);
    const weight = r.optional('weight', (w) => w.number({ min: 0, what: 'a number ≥ 0' })) ?? 1;
    const name = r.optional('name', (n) => n.string());
    return name === undefined ? { weight, message } : { name, weight, message };
  });
}

/** Picks templates by weight. */
export function mixPicker(entries: readonly MixEntry[], random: () => number = Math.random): () => Message {
  const total = entries.reduce((sum, e) => sum + e.weight, 0);
  if (!(total > 0)) throw new MixError('mix.messages', 'mix.messages must have a weight above 0 in total');
  if (entries.length === 1) return () => entries[0]!.message;
  return () => {
    let point = random() * total;
    for (const entry of entries) {
      point -= entry.weight;
      if (point < 0) return entry.message;
    }
    return entries[entries.length - 1]!.message;
  };
}
