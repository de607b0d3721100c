import { SpecError, type FieldPath } from '../errors';
import { berTagBytes } from './ber-tag';
import type { Encoding } from './types';

/** The largest length any field may declare (a 6-digit prefix). */
export const MAX_FIELD_LENGTH = 999_999;

/** Encodings of a length prefix. */
const ENCODINGS: readonly Encoding[] = ['ascii', 'ebcdic', 'bcd', 'binary', 'hex'];
const VALUE_ENCODINGS: Record<string, readonly Encoding[]> = {
  string: ['ascii', 'ebcdic'],
  numeric: ['ascii', 'ebcdic', 'bcd'],
  binary: ['binary', 'hex', 'ebcdic-hex'],
  track2: ['ascii', 'ebcdic', 'bcd'],
  amount: ['ascii', 'ebcdic', 'bcd'],
};
const SENSITIVITIES = ['pan', 'track', 'pin', 'secret'];
const COMMON_KEYS = ['type', 'description', 'sensitive'];
const KEYS_BY_TYPE: Record<string, readonly string[]> = {
  string: [...COMMON_KEYS, 'length', 'encoding', 'prefix', 'padding'],
  numeric: [...COMMON_KEYS, 'length', 'encoding', 'prefix', 'padding', 'bcdAlign'],
  binary: [...COMMON_KEYS, 'length', 'encoding', 'prefix', 'padding'],
  track2: [...COMMON_KEYS, 'length', 'encoding', 'prefix', 'bcdAlign'],
  amount: [...COMMON_KEYS, 'length', 'encoding', 'bcdAlign'],
  bitmap: [...COMMON_KEYS, 'length', 'encoding', 'blocks'],
  composite: [...COMMON_KEYS, 'layout', 'length', 'prefix', 'subfields', 'tag', 'elementLength', 'lengthFirst'],
};

/** Where a field sits decides what it may be. */
export type FieldRole = 'mti' | 'bitmap' | 'data' | 'subfield';

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : (JSON.stringify(value) ?? String(value));
}

/** The largest length a prefix of this kind can write. */
export function prefixCapacity(digits: number, encoding: Encoding): number {
  if (encoding === 'binary') return 256 ** digits - 1;
  if (encoding === 'hex') return 16 ** digits - 1;
  return 10 ** digits - 1;
}

function checkInteger(path: FieldPath, name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SpecError(path, `${name} must be ${min}..${max}, got ${show(value)}`);
  }
  return value;
}

function checkOneOf<T extends string>(path: FieldPath, name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new SpecError(path, `${name} must be one of ${allowed.join(', ')}, got ${show(value)}`);
  }
  return value as T;
}

/** Validates a length prefix spec and that it can write `length`. */
export function checkPrefix(path: FieldPath, name: string, prefix: unknown, length: number | undefined): void {
  if (!isObject(prefix)) throw new SpecError(path, `${name} must be an object { digits, encoding }`);
  for (const key of Object.keys(prefix)) {
    if (key !== 'digits' && key !== 'encoding') throw new SpecError(path, `${name}: unknown option '${key}'`);
  }
  const digits = checkInteger(path, `${name}.digits`, prefix['digits'], 1, 6);
  const encoding = checkOneOf(path, `${name}.encoding`, prefix['encoding'], ENCODINGS);
  const capacity = prefixCapacity(digits, encoding);
  if (length !== undefined && length > capacity) {
    throw new SpecError(
      path,
      `length ${length} cannot be written in a ${digits}-digit ${encoding} prefix (at most ${capacity})`,
    );
  }
}

function checkPadding(path: FieldPath, spec: Obj): void {
  const padding = spec['padding'];
  if (padding === undefined) return;
  if (spec['type'] !== 'string') throw new SpecError(path, `padding applies to string fields only`);
  if (spec['prefix'] !== undefined) throw new SpecError(path, `padding applies to fixed-length fields only`);
  if (!isObject(padding)) throw new SpecError(path, `padding must be an object { side, char }`);
  checkOneOf(path, 'padding.side', padding['side'], ['left', 'right']);
  const char = padding['char'];
  if (typeof char !== 'string' || char.length !== 1) throw new SpecError(path, `padding.char must be one character`);
  const limit = spec['encoding'] === 'ascii' ? 0x7f : 0xff;
  if (char.charCodeAt(0) > limit)
    throw new SpecError(path, `padding.char cannot be written in ${String(spec['encoding'])}`);
}

/**
 * Validates one field spec (recursively for composites); throws {@link SpecError} naming the field
 * and the problem.
 */
export function validateField(path: FieldPath, spec: unknown, role: FieldRole): void {
  if (!isObject(spec)) throw new SpecError(path, `must be an object with a type`);
  const type = checkOneOf(path, 'type', spec['type'], [
    'string',
    'numeric',
    'binary',
    'bitmap',
    'composite',
    'track2',
    'amount',
  ]);
  for (const key of Object.keys(spec)) {
    if (type === 'amount' && key === 'prefix')
      throw new SpecError(path, `an amount field is fixed-length (ISO x+n): remove prefix`);
    if (!KEYS_BY_TYPE[type]!.includes(key))
      throw new SpecError(path, `unknown option '${key}' for ${type === 'amount' ? 'an' : 'a'} ${type} field`);
  }
  if (spec['description'] !== undefined && typeof spec['description'] !== 'string') {
    throw new SpecError(path, `description must be a string`);
  }
  if (spec['sensitive'] !== undefined) checkOneOf(path, 'sensitive', spec['sensitive'], SENSITIVITIES);

  if (role === 'bitmap' && type !== 'bitmap') throw new SpecError(path, `field 1 must be the bitmap (type 'bitmap')`);
  if (role !== 'bitmap' && type === 'bitmap') throw new SpecError(path, `only field 1 can be a bitmap`);
  if (role === 'mti' && type !== 'string' && type !== 'numeric')
    throw new SpecError(path, `the MTI must be a string or numeric field`);
  if (role === 'mti' && spec['prefix'] !== undefined) throw new SpecError(path, `the MTI must have a fixed length`);

  if (type === 'bitmap') {
    checkInteger(path, 'length', spec['length'], 8, 8);
    checkOneOf(path, 'encoding', spec['encoding'], ['binary', 'hex', 'ebcdic-hex']);
    if (spec['blocks'] !== undefined) checkInteger(path, 'blocks', spec['blocks'], 1, 2);
    return;
  }
  const length = checkInteger(path, 'length', spec['length'], 1, MAX_FIELD_LENGTH);
  if (spec['prefix'] !== undefined) checkPrefix(path, 'prefix', spec['prefix'], length);
  if (type === 'composite') {
    validateComposite(path, spec);
    return;
  }
  checkOneOf(path, `encoding of a ${type} field`, spec['encoding'], VALUE_ENCODINGS[type]!);
  checkPadding(path, spec);
  checkBcdAlign(path, spec);
}

function checkBcdAlign(path: FieldPath, spec: Obj): void {
  if (spec['bcdAlign'] === undefined) return;
  if (spec['encoding'] !== 'bcd')
    throw new SpecError(path, `bcdAlign applies to bcd-encoded fields only, not ${show(spec['encoding'])}`);
  checkOneOf(path, 'bcdAlign', spec['bcdAlign'], ['right', 'left']);
}

function validateComposite(path: FieldPath, spec: Obj): void {
  const layout = checkOneOf(path, 'layout', spec['layout'], ['positional', 'tlv', 'ber-tlv', 'bitmap']);
  const subfields = spec['subfields'];
  if (subfields !== undefined && !isObject(subfields)) throw new SpecError(path, `subfields must be an object`);
  if (layout !== 'tlv' && (spec['tag'] !== undefined || spec['elementLength'] !== undefined)) {
    throw new SpecError(path, `tag and elementLength apply to the 'tlv' layout only`);
  }
  if (spec['lengthFirst'] !== undefined) {
    if (layout !== 'tlv') throw new SpecError(path, `lengthFirst applies to the 'tlv' layout only`);
    if (typeof spec['lengthFirst'] !== 'boolean') throw new SpecError(path, `lengthFirst must be true or false`);
  }
  // Length first, the element length counts the tag too.
  const tagBytes = spec['lengthFirst'] === true ? ((spec['tag'] as Obj | undefined)?.['length'] as number) : 0;
  const entries = Object.entries(subfields ?? {});
  if (layout === 'positional' && entries.length === 0)
    throw new SpecError(path, `a positional composite needs subfields`);
  if (layout === 'bitmap') {
    validateBitmapped(path, subfields as Obj | undefined);
    return;
  }

  let tagLength = 0;
  let tagEncoding = '';
  if (layout === 'tlv') {
    const tag = spec['tag'];
    if (!isObject(tag)) throw new SpecError(path, `a tlv composite needs tag { length, encoding }`);
    tagLength = checkInteger(path, 'tag.length', tag['length'], 1, 8);
    tagEncoding = checkOneOf(path, 'tag.encoding', tag['encoding'], ['ascii', 'ebcdic', 'binary']);
    checkPrefix(path, 'elementLength', spec['elementLength'], undefined);
  }
  for (const [id, sub] of entries) {
    const subPath = `${path}.${id}`;
    if (layout === 'positional' && !/^[1-9][0-9]*$/.test(id))
      throw new SpecError(subPath, `positional subfield ids must be positive integers`);
    if (layout === 'ber-tlv' && berTagBytes(id) === undefined)
      throw new SpecError(subPath, `not a well-formed BER-TLV tag in upper-case hex`);
    if (layout === 'tlv') {
      const idLength = tagEncoding === 'binary' ? tagLength * 2 : tagLength;
      if (id.length !== idLength || (tagEncoding === 'binary' && !/^[0-9A-F]+$/.test(id))) {
        throw new SpecError(
          subPath,
          `tag must be ${tagEncoding === 'binary' ? `${idLength} upper-case hex characters` : `${tagLength} characters`}`,
        );
      }
    }
    validateField(subPath, sub, 'subfield');
    if (layout !== 'positional' && (sub as Obj)['prefix'] !== undefined) {
      throw new SpecError(subPath, `TLV elements carry their own length: remove prefix`);
    }
    if (layout !== 'positional' && (sub as Obj)['padding'] !== undefined) {
      throw new SpecError(subPath, `padding applies to fixed-length fields only, and TLV elements are variable`);
    }
    if (layout === 'tlv')
      checkPrefix(subPath, 'elementLength', spec['elementLength'], ((sub as Obj)['length'] as number) + tagBytes);
  }
}

/** A `bitmap` composite: subfield 1 is its bitmap, the others data subfields 2..128 (2..64 with one block). */
function validateBitmapped(path: FieldPath, subfields: Obj | undefined): void {
  const bitmap = subfields?.['1'];
  if (bitmap === undefined) throw new SpecError(path, `a bitmap composite needs subfield 1, its bitmap`);
  validateField(`${path}.1`, bitmap, 'bitmap');
  const limit = (bitmap as Obj)['blocks'] === 1 ? 64 : 128;
  const data = Object.entries(subfields!).filter(([id]) => id !== '1');
  if (data.length === 0) throw new SpecError(path, `a bitmap composite needs data subfields besides its bitmap`);
  for (const [id, sub] of data) {
    const subPath = `${path}.${id}`;
    if (!/^[1-9][0-9]*$/.test(id) || Number(id) > limit)
      throw new SpecError(subPath, `subfields of a bitmap composite are numbered 2..${limit}`);
    validateField(subPath, sub, 'subfield');
  }
}
