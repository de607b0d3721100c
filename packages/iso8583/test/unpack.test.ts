import {
  Message,
  UnpackError,
  spec87ascii,
  spec87binary,
  unpack,
  type FieldInput,
  type FieldValue,
  type MessageSpec,
} from '@rx8583/iso8583';
import { PYISO_SPECS, loadLines, loadSpec, type InvalidVector, type ValidVector } from './support/pyiso-spec';

// unpack checks every byte and builds each value the first time it is read: these tests pin down
// that a message from unpack behaves exactly like one whose values were all built at once.

const EMV = [
  { tag: '9F02', value: '000000001500' },
  { tag: '82', value: '1980' },
  { tag: 'DF01', value: 'CAFE' }, // not in the spec: kept as bytes
];
const FIELDS: Record<number, FieldInput> = {
  2: '4761739001010119',
  3: '000000',
  4: '000000001500',
  11: '000001',
  35: '4761739001010119=22122011758928889',
  41: 'TERM0001',
  43: 'ACME STORE',
  52: '7434F67813BAE545',
  55: EMV,
};

function packed(spec: MessageSpec): Buffer {
  return Buffer.from(new Message(spec, { mti: '0100', fields: FIELDS }).pack());
}

function everyValue(message: Message): unknown[] {
  return [message.mti, ...message.fieldNumbers().map((n) => [n, message.get(n)])];
}

describe.each([
  ['spec87ascii', spec87ascii],
  ['spec87binary', spec87binary],
])('a message from unpack (%s)', (_name, spec) => {
  it('exposes the exact bytes it was read from (rawBytes), also after set and in a clone', () => {
    const bytes = packed(spec);
    const message = unpack(spec, Buffer.concat([Buffer.from('xx'), bytes]).subarray(2));
    expect(Buffer.from(message.rawBytes()!).equals(bytes)).toBe(true);
    message.set(41, 'TERM0002');
    expect(Buffer.from(message.rawBytes()!).equals(bytes)).toBe(true);
    expect(Buffer.from(message.clone().rawBytes()!).equals(bytes)).toBe(true);
    const copy = message.rawBytes()!;
    copy.fill(0);
    expect(Buffer.from(message.rawBytes()!).equals(bytes)).toBe(true);
    expect(new Message(spec, { mti: '0800' }).rawBytes()).toBeUndefined();
  });

  it('keeps its own copy of the input: overwriting the bytes afterwards changes none of its values', () => {
    const bytes = packed(spec);
    const pristine = everyValue(unpack(spec, Buffer.from(bytes)));
    const message = unpack(spec, bytes);
    bytes.fill(0x39);
    expect(everyValue(message)).toEqual(pristine);
  });

  it('gives the same value object on every get, so changes to a byte or composite value stay in the message', () => {
    const message = unpack(spec, packed(spec));
    const pin = message.get(52) as Uint8Array;
    expect(message.get(52)).toBe(pin);
    pin[0] = 0xff;
    expect((message.get(52) as Uint8Array)[0]).toBe(0xff);
    expect(message.get(55)).toBe(message.get(55));
  });

  it('packs back to the bytes it came from without any value read first', () => {
    const bytes = packed(spec);
    expect(Buffer.from(unpack(spec, bytes).pack()).equals(bytes)).toBe(true);
  });

  it('has, delete, set and fieldNumbers work before any value is read', () => {
    const message = unpack(spec, packed(spec));
    expect(message.has(41)).toBe(true);
    expect(message.fieldNumbers()).toEqual([2, 3, 4, 11, 35, 41, 43, 52, 55]);
    message.delete(41).set(11, '000002');
    expect(message.has(41)).toBe(false);
    expect(message.get(41)).toBeUndefined();
    expect(message.get(11)).toBe('000002');
    expect(unpack(spec, message.pack()).fieldNumbers()).toEqual([2, 3, 4, 11, 35, 43, 52, 55]);
  });

  it('clones before any value is read into an independent message with the same values', () => {
    const message = unpack(spec, packed(spec));
    const copy = message.clone();
    expect(everyValue(copy)).toEqual(everyValue(message));
    (copy.get(52) as Uint8Array)[0] = 0x00;
    copy.set(4, '000000000001');
    expect((message.get(52) as Uint8Array)[0]).toBe(0x74);
    expect(message.get(4)).toBe('000000001500');
  });

  it('builds values of the right types: digit strings, text without padding, bytes, TLV elements', () => {
    const message = unpack(spec, packed(spec));
    expect(message.get(4)).toBe('000000001500');
    expect(message.get(43)).toBe('ACME STORE');
    expect(message.get(52)).toEqual(Uint8Array.from(Buffer.from('7434F67813BAE545', 'hex')));
    expect(message.get(55)).toEqual([
      { tag: '9F02', value: Uint8Array.from(Buffer.from('000000001500', 'hex')) },
      { tag: '82', value: Uint8Array.from([0x19, 0x80]) },
      { tag: 'DF01', value: Uint8Array.from([0xca, 0xfe]) },
    ]);
  });
});

// Byte-exact vectors from pyiso8583 4.0.1 (see fixtures/vectors/README.md): an implementation no one
// here wrote decides what right is.
function asVectorValue(value: FieldValue | undefined): string | undefined {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('hex').toUpperCase();
  return value as string | undefined;
}

function blamedField(pyisoField: string): number {
  if (pyisoField === 't') return 0;
  if (pyisoField === 'p' || pyisoField === '1') return 1;
  return Number(pyisoField);
}

describe.each(PYISO_SPECS)('unpacking the pyiso8583 vectors of %s', (name) => {
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
