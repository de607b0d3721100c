import { UnpackError, type FieldPath } from '../../errors';
import type { FieldValue, PositionalValue } from '../../values';
import type { Reader } from '../io';
import { ByteUnitCodec, type CompositeCodec } from '../value-codec';

/**
 * What the composites whose value is an object of subfields by id share (positional and bitmapped):
 * reading builds the object, checking walks the same subfields building nothing, and either way the
 * subfields must fill the field exactly.
 */
export abstract class SubfieldsCodec extends ByteUnitCodec implements Pick<CompositeCodec, 'read' | 'check'> {
  read(r: Reader, start: number, units: number, path: FieldPath): FieldValue {
    const value: PositionalValue = {};
    this.walk(r, start, units, path, value);
    return value;
  }

  check(r: Reader, start: number, units: number, path: FieldPath): void {
    this.walk(r, start, units, path, null);
  }

  /** Reads or checks the subfields at `start..start + units`, within those bounds, refusing bytes left over. */
  private walk(r: Reader, start: number, units: number, path: FieldPath, value: PositionalValue | null): void {
    const outerEnd = r.end;
    const end = start + units;
    r.end = end;
    r.pos = start;
    this.walkSubfields(r, start, end, path, value);
    if (r.pos < end) throw new UnpackError(path, r.pos, `${end - r.pos} bytes left after the last subfield`);
    r.end = outerEnd;
  }

  /** Goes through the subfields from `r.pos` (= `start`) up to `end`, checking each; builds them into `value` unless it is null. */
  protected abstract walkSubfields(
    r: Reader,
    start: number,
    end: number,
    path: FieldPath,
    value: PositionalValue | null,
  ): void;
}
