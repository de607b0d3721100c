import type { Message } from './message';
import { renderMasked, renderScalar } from './mask';
import type { FieldSpec, Sensitivity } from './spec/types';
import type { FieldValue, PositionalValue, TlvElement } from './values';

/** Options of {@link describe}. */
export interface DescribeOptions {
  /** Mask card data (default `true`): PAN first 6 / last 4, track data after the PAN, PIN blocks, keys and MACs hidden. */
  mask?: boolean;
}

const LABEL_WIDTH = 9;
const NAME_WIDTH = 44;

/**
 * Renders a message for humans and logs, one line per field: number, name, value. Card data is
 * masked unless `{ mask: false }` is given; binary values are shown as hex; composite fields get
 * a line per subfield or TLV element (`55.9F02`). Elements of a sensitive composite that the spec
 * does not describe are hidden.
 *
 * @example
 * ```ts
 * console.log(describe(message));
 * // MTI      Message Type Indicator ...................... 0100
 * // 2        Primary Account Number (PAN) ................ 411111******1111
 * ```
 */
export function describe(message: Message, options: DescribeOptions = {}): string {
  const mask = options.mask ?? true;
  const fields = message.spec.fields as Record<string, FieldSpec>;
  const lines: string[] = [];
  const mti = message.has(0) ? renderScalar(message.mti) : '(none)';
  lines.push(line('MTI', fields['0']?.description ?? 'Message Type Indicator', mti));
  for (const n of message.fieldNumbers()) {
    describeValue(lines, String(n), fields[String(n)], message.get(n)!, mask, undefined);
  }
  return lines.join('\n');
}

/** What `JSON.stringify(message)` writes: the MTI and each field's value, masked as {@link describe} masks it. */
export interface MaskedContent {
  mti: string;
  /** Values by field number: text (masked where sensitive), bytes as upper-case hex, composites as arrays or objects of the same. */
  fields: Record<string, MaskedValue>;
}

/** A field value as {@link MaskedContent} shows it. */
export type MaskedValue = string | Array<{ tag: string; value: MaskedValue }> | { [id: string]: MaskedValue };

/** The masked `{ mti, fields }` of a message, for `toJSON`: card data never leaves in a log line. */
export function maskedContent(message: Message): MaskedContent {
  const specs = message.spec.fields as Record<string, FieldSpec>;
  const fields: Record<string, MaskedValue> = {};
  for (const n of message.fieldNumbers()) {
    const spec = specs[String(n)];
    fields[String(n)] = maskValue(spec, message.get(n)!, spec?.sensitive);
  }
  return { mti: message.mti, fields };
}

function maskValue(spec: FieldSpec | undefined, value: FieldValue, inherited: Sensitivity | undefined): MaskedValue {
  const sensitive = spec === undefined ? inherited : spec.sensitive;
  if (typeof value === 'string' || value instanceof Uint8Array) return renderMasked(value, sensitive);
  const subfields = spec?.type === 'composite' ? (spec.subfields ?? {}) : {};
  if (Array.isArray(value)) {
    return (value as TlvElement[]).map(({ tag, value: element }) => ({
      tag,
      value: maskValue(subfields[tag], element, spec?.sensitive),
    }));
  }
  return Object.fromEntries(
    Object.entries(value as PositionalValue).map(([id, sub]) => [id, maskValue(subfields[id], sub, spec?.sensitive)]),
  );
}

function describeValue(
  lines: string[],
  label: string,
  spec: FieldSpec | undefined,
  value: FieldValue,
  mask: boolean,
  inheritedSensitivity: Sensitivity | undefined,
): void {
  const name = spec?.description ?? '';
  // Inside a sensitive composite, an element the spec does not know may carry anything.
  const sensitive = spec === undefined ? inheritedSensitivity : spec.sensitive;
  if (typeof value === 'string' || value instanceof Uint8Array) {
    lines.push(line(label, name, mask ? renderMasked(value, sensitive) : renderScalar(value)));
    return;
  }
  const subfields = spec?.type === 'composite' ? (spec.subfields ?? {}) : {};
  const elementSensitivity = mask ? spec?.sensitive : undefined;
  if (Array.isArray(value)) {
    lines.push(line(label, name, `${value.length} element${value.length === 1 ? '' : 's'}`));
    for (const { tag, value: element } of value as TlvElement[]) {
      describeValue(lines, `${label}.${tag}`, subfields[tag], element, mask, elementSensitivity);
    }
    return;
  }
  const entries = Object.entries(value as PositionalValue);
  lines.push(line(label, name, `${entries.length} subfield${entries.length === 1 ? '' : 's'}`));
  for (const [id, subvalue] of entries) {
    describeValue(lines, `${label}.${id}`, subfields[id], subvalue, mask, elementSensitivity);
  }
}

function line(label: string, name: string, value: string): string {
  const dotted = name === '' ? ''.padEnd(NAME_WIDTH) : `${name} `.padEnd(NAME_WIDTH, '.');
  return `${label.padEnd(LABEL_WIDTH)}${dotted} ${value}`;
}
