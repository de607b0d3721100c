import type { FieldPath } from '../errors';
import { defineSpec, isDefinedSpec } from '../spec/define-spec';
import type { BitmapFieldSpec, CompositeFieldSpec, FieldSpec, MessageSpec, PrefixSpec } from '../spec/types';
import { berTagBytes } from '../spec/ber-tag';
import { BitmapCodec } from './bitmap-codec';
import { EBCDIC_ZERO, LATIN1_TO_EBCDIC } from './ebcdic';
import { BerTlvCodec, type BerTlvSubfield } from './composite/ber-tlv-codec';
import { BitmappedCodec } from './composite/bitmapped-codec';
import { PositionalCodec } from './composite/positional-codec';
import { TlvCodec } from './composite/tlv-codec';
import { AsciiTable } from './ascii-table';
import { FieldCodec } from './field-codec';
import { LengthPrefix } from './length-prefix';
import { amountCodec, OTHER_KIND, scalarCodec } from './scalar-codecs';
import type { ValueCodec } from './value-codec';

/** A spec turned into codec objects, built once per spec object. */
export interface CompiledSpec {
  readonly spec: MessageSpec;
  /** Codecs by field number; index 0 is the MTI, index 1 is unused (see `bitmap`). */
  readonly fields: ReadonlyArray<FieldCodec | undefined>;
  readonly mti: FieldCodec;
  readonly bitmap: BitmapCodec;
  /** The ASCII fields as numbers, checked by `unpack` in its own loop (see ascii-table.ts). */
  readonly ascii: AsciiTable;
}

const compiled = new WeakMap<MessageSpec, CompiledSpec>();
let lastCompiled: CompiledSpec = {
  spec: { name: '', fields: {} },
  fields: [],
  mti: undefined!,
  bitmap: undefined!,
  ascii: undefined!,
};

/**
 * Returns the codecs of a spec, compiling them on first use (validating the spec with `defineSpec`
 * if that was not done yet) and caching them by spec object.
 */
export function compileSpec(spec: MessageSpec): CompiledSpec {
  // Most processes use one spec over and over: skip the WeakMap lookup for the last one.
  if (spec === lastCompiled.spec) return lastCompiled;
  let result = compiled.get(spec);
  if (result !== undefined) return (lastCompiled = result);
  if (!isDefinedSpec(spec)) defineSpec(spec);
  const specs = spec.fields as Record<string, FieldSpec>;
  const fields: Array<FieldCodec | undefined> = new Array<FieldCodec | undefined>(129).fill(undefined);
  for (const [key, fieldSpec] of Object.entries(specs)) {
    const field = Number(key);
    if (field !== 1) fields[field] = buildFieldCodec(field, fieldSpec, subPrefix(fieldSpec));
  }
  result = {
    spec,
    fields,
    mti: fields[0]!,
    bitmap: new BitmapCodec(specs['1'] as BitmapFieldSpec),
    ascii: new AsciiTable(fields),
  };
  compiled.set(spec, result);
  return (lastCompiled = result);
}

function buildFieldCodec(path: FieldPath, spec: FieldSpec, prefix: PrefixSpec | undefined): FieldCodec {
  if (spec.type === 'bitmap') throw new Error('unreachable: bitmaps are validated to be field 1 only');
  const { kind, codec: value } =
    spec.type === 'composite'
      ? { kind: OTHER_KIND, codec: buildComposite(path, spec) }
      : spec.type === 'amount'
        ? amountCodec(spec.encoding, spec.length, spec.bcdAlign)
        : scalarCodec(spec.type, spec.encoding, spec.bcdAlign);
  const padding = spec.type === 'composite' ? undefined : spec.padding;
  // An MTI is a code, not a quantity: '100' is a mistake to report, not to fill.
  const zeroFill = spec.type === 'numeric' && prefix === undefined && path !== 0;
  const ebcdic = spec.type !== 'composite' && spec.encoding === 'ebcdic';
  const padByte =
    padding === undefined ? -1 : ebcdic ? LATIN1_TO_EBCDIC[padding.char.charCodeAt(0)]! : padding.char.charCodeAt(0);
  return new FieldCodec(
    path,
    value,
    prefix === undefined ? null : new LengthPrefix(prefix),
    // An amount's units are its sign and its digits.
    spec.type === 'amount' ? spec.length + 1 : spec.length,
    padding,
    zeroFill,
    padByte,
    ebcdic ? EBCDIC_ZERO : 0x30,
    kind,
    spec.type,
  );
}

function buildComposite(path: FieldPath, spec: CompositeFieldSpec): ValueCodec {
  const subfields = Object.entries(spec.subfields ?? {});
  switch (spec.layout) {
    case 'positional':
      return new PositionalCodec(
        subfields
          .sort(([a], [b]) => Number(a) - Number(b))
          .map(([id, sub]) => ({ id, codec: buildFieldCodec(`${path}.${id}`, sub, subPrefix(sub)) })),
      );
    case 'tlv': {
      const tag = spec.tag!;
      const lengthFirst = spec.lengthFirst === true ? new LengthPrefix(spec.elementLength!) : null;
      // Length first, the TLV codec writes the element length and the element codecs go by size.
      const elementLength = lengthFirst === null ? spec.elementLength! : undefined;
      const capacity = new LengthPrefix(spec.elementLength!).capacity - (lengthFirst === null ? 0 : tag.length);
      const known = new Map(subfields.map(([id, sub]) => [id, buildFieldCodec(`${path}.${id}`, sub, elementLength)]));
      const unknownSpec: FieldSpec =
        tag.encoding === 'binary'
          ? { type: 'binary', encoding: 'binary', length: capacity }
          : { type: 'string', encoding: tag.encoding, length: capacity };
      const unknown = (id: string) => buildFieldCodec(`${path}.${id}`, unknownSpec, elementLength);
      return new TlvCodec(path, tag, known, unknown, lengthFirst);
    }
    case 'bitmap': {
      const codecs: Array<FieldCodec | undefined> = [];
      for (const [id, sub] of subfields) {
        if (id !== '1') codecs[Number(id)] = buildFieldCodec(`${path}.${id}`, sub, subPrefix(sub));
      }
      return new BitmappedCodec(new BitmapCodec(spec.subfields!['1'] as BitmapFieldSpec), codecs);
    }
    case 'ber-tlv': {
      const known = new Map<string, BerTlvSubfield>(
        subfields.map(([id, sub]) => [
          id,
          { tagBytes: berTagBytes(id)!, codec: buildFieldCodec(`${path}.${id}`, sub, undefined) },
        ]),
      );
      return new BerTlvCodec(known);
    }
  }
}

function subPrefix(spec: FieldSpec): PrefixSpec | undefined {
  return spec.type === 'bitmap' ? undefined : spec.prefix;
}
