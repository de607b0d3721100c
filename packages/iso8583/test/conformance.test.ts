import { Message, UnpackError, unpack, type FieldValue } from '@rx8583/iso8583';
import { loadLines, loadSpec, type InvalidVector, type ValidVector } from './support/pyiso-spec';

// Byte-exact vectors from pyiso8583 4.0.1 (see fixtures/vectors/README.md): an implementation no one
// here wrote decides what right is.
const SPECS = ['pyiso8583-default', 'pyiso8583-default-ascii', 'pyiso8583-bcd'];

function asVectorValue(value: FieldValue | undefined): string | undefined {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex').toUpperCase();
  return value as string | undefined;
}

function blamedField(pyisoField: string): number {
  if (pyisoField === 't') return 0;
  if (pyisoField === 'p' || pyisoField === '1') return 1;
  return Number(pyisoField);
}

describe.each(SPECS)('conformance with %s', (name) => {
  const spec = loadSpec(name);
  const valid = loadLines<ValidVector>(`${name}.valid.jsonl`);
  const invalid = loadLines<InvalidVector>(`${name}.invalid.jsonl`);

  it('has vectors to check', () => {
    expect(valid.length).toBeGreaterThanOrEqual(200);
    expect(invalid.length).toBeGreaterThanOrEqual(100);
  });

  it('unpacks every valid vector to exactly its fields', () => {
    for (const vector of valid) {
      const message = unpack(spec, Buffer.from(vector.hex, 'hex'));
      const decoded: Record<string, string | undefined> = { t: message.mti };
      for (const n of message.fieldNumbers()) decoded[String(n)] = asVectorValue(message.get(n));
      expect(decoded).toEqual(vector.fields);
    }
  });

  it('packs the fields of every valid vector to exactly its bytes', () => {
    for (const vector of valid) {
      const { t, ...fields } = vector.fields;
      const message = new Message(spec, { mti: t! });
      for (const [n, value] of Object.entries(fields)) message.set(Number(n), value);
      expect(Buffer.from(message.pack()).toString('hex').toUpperCase()).toBe(vector.hex);
    }
  });

  it('refuses every invalid vector with an UnpackError blaming the field and offset pyiso8583 blames', () => {
    const offsetMismatches: string[] = [];
    for (const vector of invalid) {
      let error: unknown;
      try {
        unpack(spec, Buffer.from(vector.hex, 'hex'));
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(UnpackError);
      const unpackError = error as UnpackError;
      expect({ kind: vector.kind, hex: vector.hex, field: unpackError.field }).toEqual({
        kind: vector.kind,
        hex: vector.hex,
        field: blamedField(vector.field),
      });
      if (unpackError.offset !== vector.pos)
        offsetMismatches.push(`${vector.kind} ${vector.field}: ours ${unpackError.offset}, pyiso ${vector.pos}`);
    }
    expect(offsetMismatches).toEqual([]);
  });
});
