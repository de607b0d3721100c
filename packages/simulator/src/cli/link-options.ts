import {
  framing,
  LengthPrefixedFraming,
  type FixedHeaderCodec,
  type Framing,
  type FramingOptions,
} from '@rx8583/connection';
import { spec87ascii, spec87binary, specFromJSON, type MessageSpec } from '@rx8583/iso8583';
import { existsSync, readFileSync } from 'node:fs';
import { UsageError } from '../errors';
import { closestName, readDocument, type JsonReader } from '../json-reader';

/** The built-in specs, by the name the CLI accepts. */
export const BUILTIN_SPECS: Record<string, MessageSpec> = { spec87ascii, spec87binary };

/** The framing presets, by name. */
type PresetName = 'binary2' | 'ascii4' | 'bcd2' | 'binary4' | 'vmlh';
const PRESETS: Record<PresetName, (options?: FramingOptions) => LengthPrefixedFraming> = {
  binary2: framing.binary2,
  ascii4: framing.ascii4,
  bcd2: framing.bcd2,
  binary4: framing.binary4,
  vmlh: framing.vmlh,
};

/** Reads a file the user named, as text; a missing or unreadable file is a usage error. */
export function readUserFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

/** Parses JSON the user gave, naming the file in the error. */
export function parseUserJson(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Reads and parses a JSON file the user named. */
export function readJsonFile(path: string, what: string): unknown {
  return parseUserJson(readUserFile(path, what), `${what} ${path}`);
}

/**
 * A spec by built-in name (`spec87ascii`, `spec87binary`) or from a JSON file in the spec format.
 *
 * @example
 * ```ts
 * loadSpec('spec87binary'); loadSpec('./specs/visa.json');
 * ```
 */
export function loadSpec(nameOrPath: string): MessageSpec {
  const builtin = BUILTIN_SPECS[nameOrPath];
  if (builtin) return builtin;
  if (!existsSync(nameOrPath)) {
    const hint = closestName(nameOrPath, Object.keys(BUILTIN_SPECS));
    throw new UsageError(
      `unknown spec '${nameOrPath}': not a built-in (${Object.keys(BUILTIN_SPECS).join(', ')}) nor a file${hint ? ` — did you mean '${hint}'?` : ''}`,
    );
  }
  const text = readUserFile(nameOrPath, 'spec');
  try {
    return specFromJSON(text);
  } catch (error) {
    throw new UsageError(`spec ${nameOrPath}: ${(error as Error).message}`);
  }
}

/** The JSON form of a framing: a preset, its options, and an optional fixed header. */
export interface FramingJson {
  /** `binary2` (default), `ascii4`, `bcd2`, `binary4`, `vmlh`. */
  preset?: PresetName;
  /** The length counts the length header (and fixed header) too. */
  includesHeader?: boolean;
  /** Largest body accepted, in bytes. */
  maxFrameLength?: number;
  /**
   * A fixed header after the length: a 5-byte TPDU (`{ type: 'tpdu', default: '6000010000',
   * reply: 'swap' }`) or any fixed bytes (`{ type: 'bytes', length: 22, default: '<hex>',
   * reply: 'same' }`).
   */
  header?: { type: 'tpdu' | 'bytes'; length?: number; default?: string; reply?: 'swap' | 'same' };
}

const usage = (_path: string, message: string) => new UsageError(message);

function hexBytes(r: JsonReader, length?: number): Uint8Array {
  const hex = r.string(/^([0-9a-fA-F]{2})+$/, 'hex digits');
  if (length !== undefined && hex.length !== length * 2) r.fail(`must be ${length} bytes (${length * 2} hex digits)`);
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

function headerCodec(r: JsonReader): FixedHeaderCodec {
  r.object(['type', 'length', 'default', 'reply']);
  const type = r.child('type').string(/^(tpdu|bytes)$/, "'tpdu' or 'bytes'");
  const reply =
    r.optional('reply', (x) => x.string(/^(swap|same)$/, "'swap' or 'same'")) ?? (type === 'tpdu' ? 'swap' : 'same');
  if (type === 'tpdu') {
    if (r.has('length')) r.child('length').fail('is fixed at 5 for a TPDU');
    const fromBytes = (b: Uint8Array, o: number) => ({
      id: b[o]!,
      destination: (b[o + 1]! << 8) | b[o + 2]!,
      source: (b[o + 3]! << 8) | b[o + 4]!,
    });
    const initial = r.optional('default', (x) => fromBytes(hexBytes(x, 5), 0));
    return {
      size: 5,
      decode: fromBytes,
      encode: (h, target, o) => {
        const { id, destination, source } = h as { id: number; destination: number; source: number };
        target.set([id, destination >> 8, destination & 0xff, source >> 8, source & 0xff], o);
      },
      defaultHeader: initial,
      replyHeader:
        reply === 'swap' ? (h) => ({ id: h['id'], destination: h['source'], source: h['destination'] }) : (h) => h,
    };
  }
  if (reply === 'swap') r.child('reply').fail("'swap' is for a TPDU; fixed bytes are sent back as they came ('same')");
  const length = r
    .child('length')
    .number({ min: 1, max: 1024, integer: true, what: 'a number of bytes from 1 to 1024' });
  const initial = r.optional('default', (x) => hexBytes(x, length));
  return {
    size: length,
    decode: (b, o) => ({ hex: Buffer.from(b.subarray(o, o + length)).toString('hex') }),
    encode: (h, target, o) => target.set(Buffer.from(String(h['hex']), 'hex').subarray(0, length), o),
    defaultHeader: initial && { hex: Buffer.from(initial).toString('hex') },
    replyHeader: (h) => h,
  };
}

/**
 * A framing from the CLI's `--framing` value: a preset name (`binary2`, `ascii4`, `bcd2`,
 * `binary4`, `vmlh`), a JSON file, or inline JSON in the {@link FramingJson} form.
 *
 * @example
 * ```ts
 * parseFraming('ascii4');
 * parseFraming('{"preset":"binary2","header":{"type":"tpdu","default":"6000010000"}}');
 * ```
 */
export function parseFraming(
  value: string,
  extra: { includesHeader?: boolean; maxFrameLength?: number } = {},
): Framing {
  let json: unknown;
  if (value.trimStart().startsWith('{')) json = parseUserJson(value, '--framing');
  else if (value in PRESETS) json = { preset: value };
  else if (existsSync(value)) json = readJsonFile(value, 'framing');
  else {
    const hint = closestName(value, Object.keys(PRESETS));
    throw new UsageError(
      `unknown framing '${value}': not a preset (${Object.keys(PRESETS).join(', ')}), a JSON file or inline JSON${hint ? ` — did you mean '${hint}'?` : ''}`,
    );
  }
  const r = readDocument(json, usage, 'framing');
  r.object(['preset', 'includesHeader', 'maxFrameLength', 'header']);
  const preset =
    r.optional('preset', (x) => {
      const name = x.string();
      if (!(name in PRESETS)) x.fail(`must be one of ${Object.keys(PRESETS).join(', ')}, got '${name}'`);
      return name as PresetName;
    }) ?? 'binary2';
  const includesHeader = extra.includesHeader ?? r.optional('includesHeader', (x) => x.boolean());
  const maxFrameLength =
    extra.maxFrameLength ?? r.optional('maxFrameLength', (x) => x.number({ min: 1, integer: true }));
  const base = PRESETS[preset]({
    ...(includesHeader !== undefined && { includesHeader }),
    ...(maxFrameLength !== undefined && { maxFrameLength }),
  });
  if (!r.has('header')) return base;
  const codec = headerCodec(r.child('header'));
  return new LengthPrefixedFraming(base.prefix, base.includesHeader, base.maxFrameLength, codec, `${base.name}+header`);
}

/** Parses `10s`, `500ms`, `2m`, or a bare number of seconds, into milliseconds. */
export function parseDuration(value: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(value.trim());
  if (!match) throw new UsageError(`${option} must be a duration such as 500ms, 10s or 2m, got '${value}'`);
  const n = Number(match[1]);
  return match[2] === 'ms' ? n : match[2] === 'm' ? n * 60_000 : n * 1000;
}

/** Parses a positive integer option. */
export function parsePositiveInt(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${option} must be a positive integer, got '${value}'`);
  return n;
}

/** Splits `host:port` (or a bare port, on 127.0.0.1). */
export function parseAddress(value: string, option: string): { host: string; port: number } {
  const match = /^(?:(.+):)?(\d{1,5})$/.exec(value);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port < 1 || port > 65_535)
    throw new UsageError(`${option} must be host:port or a port, got '${value}'`);
  return { host: match[1] ?? '127.0.0.1', port };
}

/** A port to listen on: 0–65535 (0 picks a free one). */
export function parseListenPort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new UsageError(`--port must be 0–65535, got '${value}'`);
  return port;
}
