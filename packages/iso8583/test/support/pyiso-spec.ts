import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineSpec, type FieldSpec, type MessageSpec, type PrefixSpec } from '@rx8583/iso8583';

/** One field of a pyiso8583 spec, as its JSON has it. */
interface PyisoField {
  data_enc: string;
  len_enc: string;
  len_type: number;
  max_len: number;
  desc: string;
  len_count?: 'bytes' | 'nibbles';
  left_pad?: string;
}

export const VECTORS_DIR = join(__dirname, '..', 'fixtures', 'vectors', 'pyiso8583');

function textEncoding(pyisoEncoding: string): 'ascii' | 'ebcdic' {
  if (pyisoEncoding === 'ascii' || pyisoEncoding === 'latin-1') return 'ascii';
  if (pyisoEncoding === 'cp037' || pyisoEncoding === 'cp500') return 'ebcdic';
  throw new Error(`no translation for pyiso8583 encoding ${pyisoEncoding}`);
}

function prefixOf(field: PyisoField): PrefixSpec | undefined {
  if (field.len_type === 0) return undefined;
  if (field.len_enc === 'bcd') return { digits: field.len_type * 2, encoding: 'bcd' };
  if (field.len_enc === 'b') return { digits: field.len_type, encoding: 'binary' };
  return { digits: field.len_type, encoding: textEncoding(field.len_enc) };
}

/**
 * Translates a pyiso8583 spec into ours, as the vectors README says: text fields as `string`, BCD
 * nibble fields as `numeric` + `bcd`, other binary fields as `binary`; a binary MTI is BCD digits.
 */
export function translatePyisoSpec(name: string, pyiso: Record<string, PyisoField>): MessageSpec {
  const fields: Record<string, FieldSpec> = {};
  const mti = pyiso['t']!;
  fields['0'] =
    mti.data_enc === 'b'
      ? { type: 'numeric', length: mti.max_len * 2, encoding: 'bcd', description: mti.desc }
      : { type: 'string', length: mti.max_len, encoding: textEncoding(mti.data_enc), description: mti.desc };
  const bitmap = pyiso['p']!;
  fields['1'] = {
    type: 'bitmap',
    length: 8,
    encoding: bitmap.data_enc === 'b' ? 'binary' : 'hex',
    description: bitmap.desc,
  };
  for (let n = 2; n <= 128; n++) {
    const field = pyiso[String(n)];
    if (field === undefined) continue;
    const prefix = prefixOf(field);
    const base = { length: field.max_len, description: field.desc, ...(prefix ? { prefix } : {}) };
    if (field.data_enc !== 'b') fields[String(n)] = { type: 'string', encoding: textEncoding(field.data_enc), ...base };
    else if (field.len_count === 'nibbles') fields[String(n)] = { type: 'numeric', encoding: 'bcd', ...base };
    else fields[String(n)] = { type: 'binary', encoding: 'binary', ...base };
  }
  return defineSpec({ name, fields });
}

/** A valid vector: the decoded fields (`t` = MTI, binary values as upper-case hex) and the message hex. */
export interface ValidVector {
  spec: string;
  fields: Record<string, string>;
  hex: string;
}

/** A message pyiso8583 refuses, with the field it blamed (`t`, `p`, `1`, or a number) and the byte offset. */
export interface InvalidVector {
  spec: string;
  kind: 'truncate' | 'corrupt' | 'trailing';
  hex: string;
  field: string;
  pos: number;
  error: string;
}

export function loadSpec(name: string): MessageSpec {
  return translatePyisoSpec(name, JSON.parse(readFileSync(join(VECTORS_DIR, `${name}.spec.json`), 'utf8')));
}

export function loadLines<T>(file: string): T[] {
  return readFileSync(join(VECTORS_DIR, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

/** The pyiso8583 specs the vectors were made with, by file name stem. */
export const PYISO_SPECS = ['pyiso8583-default', 'pyiso8583-default-ascii', 'pyiso8583-bcd'];
