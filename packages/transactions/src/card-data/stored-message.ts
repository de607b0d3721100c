import { Message, type FieldSpec, type FieldValue, type MessageSpec, type TlvElement } from '@rx8583/iso8583';
import { assertPanProtection, protectPan, restorePan, type PanProtection, type ProtectedPan } from './pan-protector';
import { DEFAULT_STRIPPED_PATHS, withoutCvc2 } from './verification-codes';

/** What protects card data in what a store writes (PCI DSS 3.3 and 3.5). */
export type CardDataOptions = PanProtection & {
  /**
   * More elements to leave out, as field paths: where the spec carries CVV2/CVC2 or other
   * sensitive authentication data of the network (`48`, `'126.10'`, `'48.92'`, `'55.9F1F'`).
   */
  strip?: ReadonlyArray<number | string>;
  /**
   * Also leave out, by default, the places the common specs carry CVV2/CVC2 and EMV track or PIN
   * data in (`DEFAULT_STRIPPED_PATHS`: `48.92`, `126.10`, `55.57`...), and subelement 92 of a
   * Mastercard DE 48 held as text. `false` keeps only the fixed list, the marks and `strip`.
   */
  defaultStrip?: boolean;
};

/**
 * Fields that are never stored, whatever the spec says of them: track 2 (35), track 3 (36),
 * track 1 (45) and the PIN block (52). Elements the spec marks `track` or `pin` are left out too
 * (EMV tag 57, the track-2 equivalent, in the built-in specs' field 55).
 */
export const ALWAYS_STRIPPED_FIELDS: readonly number[] = [35, 36, 45, 52];

/** A field value as stored: text, `{ h }` hex bytes, a protected PAN, or composite parts. */
export type StoredValue =
  string | { h: string } | ProtectedPan | { p: Record<string, StoredValue> } | { l: StoredTlv[] };
type StoredTlv = [tag: string, value: StoredValue];

/** A message as a store keeps it: no sensitive authentication data, the PAN protected. */
export interface StoredMessage {
  mti: string;
  fields: Record<string, StoredValue>;
}

/**
 * A message prepared for storage: fields 35, 36, 45, 52, the `strip` paths, every element the
 * spec marks `track` or `pin`, and (unless `defaultStrip: false`) the CVV2/CVC2 and EMV places of
 * `DEFAULT_STRIPPED_PATHS` and the CVC 2 of a Mastercard DE 48 held as text are left out; elements
 * marked `pan` are encrypted or tokenised.
 */
export async function toStoredMessage(message: Message, options: CardDataOptions): Promise<StoredMessage> {
  const defaults = options.defaultStrip !== false;
  const strip = new Set([...(options.strip ?? []).map(String), ...(defaults ? DEFAULT_STRIPPED_PATHS : [])]);
  const fields: Record<string, StoredValue> = {};
  for (const n of message.fieldNumbers()) {
    const spec = message.spec.fields[n];
    const path = String(n);
    if (ALWAYS_STRIPPED_FIELDS.includes(n) || isStripped(path, spec, strip)) continue;
    let value = message.get(n)!;
    if (defaults && n === MASTERCARD_DE48 && typeof value === 'string' && spec?.type === 'string')
      value = withoutCvc2(value) ?? value;
    fields[path] = await storeValue(value, spec, path, strip, options);
  }
  return { mti: message.mti, fields };
}

const MASTERCARD_DE48 = 48;

/** The message back from storage, its PANs restored (`CardDataError` when they cannot be). */
export async function fromStoredMessage(
  spec: MessageSpec,
  stored: StoredMessage,
  options: PanProtection,
): Promise<Message> {
  const message = new Message(spec, { mti: stored.mti });
  for (const [path, value] of Object.entries(stored.fields)) {
    message.set(Number(path), (await restoreValue(value, path, options)) as never);
  }
  return message;
}

/** Checks the card-data options up front. */
export function assertCardDataOptions(where: string, options: CardDataOptions | undefined): void {
  assertPanProtection(where, options);
  const strip = options!.strip;
  if (strip !== undefined && !Array.isArray(strip)) throw new TypeError(`${where}: cardData.strip must be an array`);
  const defaults = options!.defaultStrip;
  if (defaults !== undefined && typeof defaults !== 'boolean')
    throw new TypeError(`${where}: cardData.defaultStrip must be true or false`);
}

function isStripped(path: string, spec: FieldSpec | undefined, strip: ReadonlySet<string>): boolean {
  return strip.has(path) || spec?.sensitive === 'track' || spec?.sensitive === 'pin';
}

async function storeValue(
  value: FieldValue,
  spec: FieldSpec | undefined,
  path: string,
  strip: ReadonlySet<string>,
  options: PanProtection,
): Promise<StoredValue> {
  if (spec?.sensitive === 'pan') {
    const pan = typeof value === 'string' ? value : Buffer.from(value as Uint8Array).toString('hex');
    return protectPan(options, path, pan);
  }
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return { h: Buffer.from(value).toString('hex') };
  const subfields = spec?.type === 'composite' ? spec.subfields : undefined;
  if (Array.isArray(value)) {
    const elements: StoredTlv[] = [];
    for (const { tag, value: v } of value as TlvElement[]) {
      const sub = subfields?.[tag];
      const subPath = `${path}.${tag}`;
      if (isStripped(subPath, sub, strip)) continue;
      elements.push([tag, await storeValue(v, sub, subPath, strip, options)]);
    }
    return { l: elements };
  }
  const parts: Record<string, StoredValue> = {};
  const ids = Object.keys(value);
  for (const [index, id] of ids.entries()) {
    const sub = subfields?.[id];
    const subPath = `${path}.${id}`;
    if (!isStripped(subPath, sub, strip)) parts[id] = await storeValue(value[id]!, sub, subPath, strip, options);
    // A positional subfield cannot be absent before others: one left out there is stored blank.
    else if (spec?.type === 'composite' && spec.layout === 'positional' && index < ids.length - 1)
      parts[id] = blank(sub);
  }
  return { p: parts };
}

/** A stand-in for a stripped positional subfield: nothing of what it held, the shape it needs. */
function blank(spec: FieldSpec | undefined): StoredValue {
  if (spec === undefined || spec.type === 'bitmap' || spec.type === 'composite') return '';
  const fixed = spec.prefix === undefined;
  if (spec.type === 'binary') return { h: fixed ? '00'.repeat(spec.length) : '' };
  if (!fixed) return '';
  if (spec.type === 'amount') return `C${'0'.repeat(spec.length)}`;
  return (spec.type === 'string' ? ' ' : '0').repeat(spec.length);
}

// The value in the form `Message.set` takes (binary values as bytes; a PAN of a binary element,
// such as EMV tag 5A, goes back as its hex string, which `set` accepts for binary fields).
type Restored = string | Uint8Array | { [id: string]: Restored } | Array<{ tag: string; value: Restored }>;

async function restoreValue(value: StoredValue, path: string, options: PanProtection): Promise<Restored> {
  if (typeof value === 'string') return value;
  if ('h' in value) return Buffer.from(value.h, 'hex');
  if ('e' in value || 't' in value) return restorePan(options, path, value);
  if ('l' in value) {
    const elements: Array<{ tag: string; value: Restored }> = [];
    for (const [tag, v] of value.l) elements.push({ tag, value: await restoreValue(v, `${path}.${tag}`, options) });
    return elements;
  }
  const parts: { [id: string]: Restored } = {};
  for (const [id, v] of Object.entries(value.p)) parts[id] = await restoreValue(v, `${path}.${id}`, options);
  return parts;
}
