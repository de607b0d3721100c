import { PackError, type FieldPath } from '../../errors';
import type { FieldInput, PositionalValue } from '../../values';
import type { FieldCodec } from '../field-codec';
import type { Reader, Writer } from '../io';
import { kindOf } from '../normalize';
import type { CompositeCodec } from '../value-codec';
import { SubfieldsCodec } from './subfields-codec';

/** A subfield of a positional composite. */
export interface PositionalSubfield {
  /** The subfield id, a positive integer as a string. */
  readonly id: string;
  /** Its codec (fixed or prefixed, possibly a composite itself). */
  readonly codec: FieldCodec;
}

/**
 * Subfields one after the other in ascending id order. Trailing subfields may be absent (the field
 * simply ends), but a subfield cannot be skipped when a later one is present. The value is an
 * object keyed by subfield id; units are bytes.
 */
export class PositionalCodec extends SubfieldsCodec implements CompositeCodec {
  private readonly byId: ReadonlyMap<string, FieldCodec>;

  constructor(private readonly subfields: readonly PositionalSubfield[]) {
    super();
    this.byId = new Map(subfields.map((s) => [s.id, s.codec]));
  }

  write(w: Writer, input: FieldInput, path: FieldPath): number {
    if (typeof input !== 'object' || input === null || Array.isArray(input) || input instanceof Uint8Array) {
      throw new PackError(path, `expected an object of subfields by id, got ${kindOf(input)}`);
    }
    const subvalues = input as Record<string, FieldInput | undefined>;
    for (const id in subvalues) {
      if (!this.byId.has(id)) throw new PackError(`${path}.${id}`, 'no such subfield in the spec');
    }
    const start = w.pos;
    let missing: string | undefined;
    for (const { id, codec } of this.subfields) {
      const subvalue = subvalues[id];
      if (subvalue === undefined) {
        missing ??= id;
      } else if (missing !== undefined) {
        throw new PackError(path, `subfield ${missing} is missing but subfield ${id} follows it`);
      } else {
        codec.write(w, subvalue);
      }
    }
    return w.pos - start;
  }

  /** Reads the subfields in id order until the field ends (trailing ones may be absent). */
  protected walkSubfields(
    r: Reader,
    _start: number,
    end: number,
    _path: FieldPath,
    value: PositionalValue | null,
  ): void {
    for (const { id, codec } of this.subfields) {
      if (r.pos >= end) break;
      if (value !== null) value[id] = codec.read(r);
      else codec.skip(r);
    }
  }
}
