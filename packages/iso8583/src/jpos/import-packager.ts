import { JposPackagerError, SpecError } from '../errors';
import { standardEchoFor } from '../spec/echo-sets';
import { defineSpec } from '../spec/define-spec';
import type { CompositeFieldSpec, FieldSpec, MessageSpec, ScalarFieldSpec } from '../spec/types';
import { spec87ascii } from '../specs/builtin-specs';
import {
  FIELD_CLASSES,
  NOP_CLASS,
  TAGGED_CLASSES,
  UNMAPPED_CLASSES,
  type FieldClass,
  type TaggedClass,
} from './field-classes';
import { readXml, type XmlElement } from './read-xml';

/** Options of {@link readJposPackager} and `specFromJposPackager`. */
export interface JposPackagerOptions {
  /** The spec's name (default `'jPOS GenericPackager'`), shown by `describe` and in errors. */
  name?: string;
}

/** What a packager file holds: the spec, and the length of the message header jPOS reads before the MTI. */
export interface JposPackager {
  /** The message spec, validated and frozen, with the standard echo sets limited to its fields. */
  spec: MessageSpec;
  /** `headerLength` of the packager: bytes before the MTI (0 when absent). In rx8583 a header belongs to the framing. */
  headerLength: number;
}

const FIELD_ATTRIBUTES = ['id', 'length', 'name', 'class', 'pad'];
const SUBPACKAGER_ATTRIBUTES = [...FIELD_ATTRIBUTES, 'packager', 'emitBitmap', 'maxValidField', 'firstField'];
const PACKAGER_ATTRIBUTES = [
  'maxValidField',
  'bitmapField',
  'thirdBitmapField',
  'firstField',
  'emitBitmap',
  'headerLength',
];
const SUBFIELD_PACKAGER = 'GenericSubFieldPackager';
const TAGGED_PACKAGER = 'EuroSubFieldPackager';
const OPTION_KEYS = ['name'];

/**
 * Reads a jPOS GenericPackager XML document: its spec and its `headerLength`. Throws
 * {@link JposPackagerError} naming the line and the problem for anything rx8583 cannot carry as
 * jPOS would (an unknown class or attribute, a validator, a nested packager with its own bitmap, a
 * third bitmap, an entity).
 */
export function readJposPackager(xml: string | Uint8Array, options: JposPackagerOptions = {}): JposPackager {
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.includes(key)) throw new JposPackagerError(undefined, `unknown option '${key}' (known: name)`);
  }
  const text = typeof xml === 'string' ? xml : Buffer.from(xml.buffer, xml.byteOffset, xml.byteLength).toString('utf8');
  const root = readXml(text);
  if (root.name !== 'isopackager')
    throw new JposPackagerError(root.line, `the root element must be <isopackager>, not <${root.name}>`);
  checkAttributes(root, PACKAGER_ATTRIBUTES);
  const attrs = root.attributes;
  if (attrs['emitBitmap'] !== undefined && booleanAttribute(root, 'emitBitmap') === false)
    throw new JposPackagerError(root.line, 'emitBitmap="false": rx8583 messages always carry a bitmap in field 1');
  if (attrs['bitmapField'] !== undefined && integerAttribute(root, 'bitmapField') !== 1)
    throw new JposPackagerError(root.line, 'bitmapField must be 1: rx8583 keeps the bitmap in field 1');
  if (attrs['thirdBitmapField'] !== undefined)
    throw new JposPackagerError(root.line, 'thirdBitmapField announces fields 129-192, beyond the 128 rx8583 carries');
  if (attrs['firstField'] !== undefined && integerAttribute(root, 'firstField') !== 2)
    throw new JposPackagerError(root.line, 'firstField must be 2 (the first field after the bitmap)');
  const maxField = attrs['maxValidField'] === undefined ? 128 : integerAttribute(root, 'maxValidField');
  if (maxField > 128)
    throw new JposPackagerError(root.line, `maxValidField ${maxField} is beyond the 128 fields rx8583 carries`);
  const headerLength = attrs['headerLength'] === undefined ? 0 : integerAttribute(root, 'headerLength');

  const lines = new Map<string, number>();
  const fields = fieldsOf(root, '', 0, maxField, lines, true);
  if (fields['1']?.type !== 'bitmap')
    throw new JposPackagerError(root.line, 'field 1 must be a bitmap class (IFA_BITMAP, IFB_BITMAP or IFE_BITMAP)');
  const spec = { name: options.name ?? 'jPOS GenericPackager', fields, echo: standardEchoFor(fields) };
  try {
    return { spec: defineSpec(spec), headerLength };
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    const line = error.field === undefined ? undefined : lines.get(String(error.field));
    throw new JposPackagerError(line, error.message, { cause: error });
  }
}

/** The fields (or subfields) declared by the children of `parent`, keyed by id. */
function fieldsOf(
  parent: XmlElement,
  pathPrefix: string,
  firstField: number,
  maxField: number,
  lines: Map<string, number>,
  topLevel: boolean,
  withBitmap = topLevel,
): Record<string, FieldSpec> {
  const fields: Record<string, FieldSpec> = {};
  for (const element of parent.children) {
    if (element.name !== 'isofield' && element.name !== 'isofieldpackager') refuseElement(element);
    const id = integerAttribute(element, 'id');
    const path = `${pathPrefix}${id}`;
    if (lines.has(path)) throw new JposPackagerError(element.line, `field ${path} is declared twice`);
    lines.set(path, element.line);
    const className = simpleClassName(element, 'class', 'org.jpos.iso.');
    if (className === NOP_CLASS || id < firstField || id > maxField) continue;
    const spec =
      element.name === 'isofieldpackager'
        ? subfieldPackager(element, path, className, lines)
        : fieldSpec(element, path, className, topLevel ? id : -1);
    if (topLevel && id !== 1 && spec.type === 'bitmap')
      throw new JposPackagerError(element.line, `field ${path}: only field 1 can be a bitmap`);
    if (!topLevel && spec.type === 'bitmap' && !(withBitmap && id === 1))
      throw new JposPackagerError(
        element.line,
        `field ${path}: only subfield 1 of a packager with a bitmap can be one`,
      );
    if (!topLevel && withBitmap && id === 1 && spec.type !== 'bitmap')
      throw new JposPackagerError(
        element.line,
        `field ${path}: subfield 1 of a packager with a bitmap must be a bitmap class`,
      );
    fields[String(id)] = withNameAndSensitivity(spec, element, topLevel ? id : -1);
  }
  return fields;
}

function fieldSpec(element: XmlElement, path: string, className: string, field: number): FieldSpec {
  checkAttributes(element, FIELD_ATTRIBUTES);
  const fieldClass = knownClass(element, path, className);
  const pad = element.attributes['pad'] === undefined ? false : booleanAttribute(element, 'pad');
  const length = integerAttribute(element, 'length');
  const refusal = fieldClass.refusal?.(length);
  if (refusal !== undefined)
    throw new JposPackagerError(
      element.line,
      `field ${path}: ${element.attributes['class']} length ${length}: ${refusal}`,
    );
  return fieldClass.spec(length, pad, field);
}

/**
 * A nested `isofieldpackager` framed like its outer class: a GenericSubFieldPackager without a
 * bitmap is a positional composite, an EuroSubFieldPackager a length-first TLV.
 */
function subfieldPackager(element: XmlElement, path: string, className: string, lines: Map<string, number>): FieldSpec {
  checkAttributes(element, SUBPACKAGER_ATTRIBUTES);
  const packager = simpleClassName(element, 'packager', 'org.jpos.iso.packager.');
  if (packager !== SUBFIELD_PACKAGER && packager !== TAGGED_PACKAGER)
    throw new JposPackagerError(
      element.line,
      `field ${path}: nested packager '${element.attributes['packager']}' is not supported ` +
        `(${SUBFIELD_PACKAGER} and ${TAGGED_PACKAGER} are)`,
    );
  const outer = knownClass(element, path, className);
  if (!outer.framesSubfields)
    throw new JposPackagerError(
      element.line,
      `field ${path}: ${className} cannot hold subfields (use a CHAR or BINARY class)`,
    );
  const frame = outer.spec(integerAttribute(element, 'length'), false, -1) as ScalarFieldSpec;
  if (frame.encoding === 'hex' || frame.encoding === 'ebcdic-hex')
    throw new JposPackagerError(
      element.line,
      `field ${path}: subfields inside hex characters (${className}) are not supported`,
    );
  if (packager === TAGGED_PACKAGER) return taggedPackager(element, path, frame, lines);
  // jPOS's GenericPackager emits a bitmap unless told not to.
  if (element.attributes['emitBitmap'] === undefined || booleanAttribute(element, 'emitBitmap'))
    return bitmappedPackager(element, path, frame, lines);
  const firstField = element.attributes['firstField'] === undefined ? 1 : integerAttribute(element, 'firstField');
  if (firstField < 1)
    throw new JposPackagerError(
      element.line,
      `field ${path}: firstField ${firstField}: rx8583 numbers subfields from 1`,
    );
  const maxField =
    element.attributes['maxValidField'] === undefined ? Infinity : integerAttribute(element, 'maxValidField');
  const subfields = fieldsOf(element, `${path}.`, firstField, maxField, lines, false);
  if (Object.keys(subfields).length === 0)
    throw new JposPackagerError(element.line, `field ${path}: the nested packager declares no subfields`);
  const composite: CompositeFieldSpec = { type: 'composite', layout: 'positional', length: frame.length, subfields };
  if (frame.prefix !== undefined) composite.prefix = frame.prefix;
  return composite;
}

/** A GenericSubFieldPackager with a bitmap: subfield 1 its bitmap class, data subfields 2 and up. */
function bitmappedPackager(
  element: XmlElement,
  path: string,
  frame: ScalarFieldSpec,
  lines: Map<string, number>,
): FieldSpec {
  if (element.attributes['firstField'] !== undefined && integerAttribute(element, 'firstField') !== 2)
    throw new JposPackagerError(element.line, `field ${path}: with a bitmap, firstField must be 2 (after the bitmap)`);
  const maxField = element.attributes['maxValidField'] === undefined ? 128 : integerAttribute(element, 'maxValidField');
  if (maxField > 128)
    throw new JposPackagerError(element.line, `field ${path}: maxValidField ${maxField} is beyond 128 subfields`);
  const subfields = fieldsOf(element, `${path}.`, 1, maxField, lines, false, true);
  if (subfields['1']?.type !== 'bitmap')
    throw new JposPackagerError(
      element.line,
      `field ${path}: subfield 1 of a packager with a bitmap must be a bitmap class`,
    );
  const composite: CompositeFieldSpec = { type: 'composite', layout: 'bitmap', length: frame.length, subfields };
  if (frame.prefix !== undefined) composite.prefix = frame.prefix;
  return composite;
}

/** An EuroSubFieldPackager: IFEP_ elements, each `L..L TT value`, as a length-first TLV with 2-digit tags. */
function taggedPackager(
  element: XmlElement,
  path: string,
  frame: ScalarFieldSpec,
  lines: Map<string, number>,
): FieldSpec {
  const subfields: Record<string, FieldSpec> = {};
  let layout: (TaggedClass & { className: string }) | undefined;
  for (const child of element.children) {
    if (child.name !== 'isofield') refuseElement(child);
    checkAttributes(child, FIELD_ATTRIBUTES);
    const id = integerAttribute(child, 'id');
    const childPath = `${path}.${id}`;
    if (lines.has(childPath)) throw new JposPackagerError(child.line, `field ${childPath} is declared twice`);
    lines.set(childPath, child.line);
    const className = simpleClassName(child, 'class', 'org.jpos.iso.');
    if (className === NOP_CLASS) continue;
    if (id === 0)
      throw new JposPackagerError(
        child.line,
        `field ${childPath}: the untagged subfield 0 of an EuroSubFieldPackager is not supported (only tagged IFEP_ elements)`,
      );
    if (id > 99) throw new JposPackagerError(child.line, `field ${childPath}: tags are 2 digits, so ids are 1..99`);
    const tagged = TAGGED_CLASSES.get(className);
    if (tagged === undefined)
      throw new JposPackagerError(
        child.line,
        `field ${childPath}: class '${child.attributes['class']}' is not a tagged element (IFEP_LLCHAR, IFEP_LLLCHAR, IFEP_LLLBINARY)`,
      );
    if (layout === undefined) layout = { ...tagged, className };
    else if (layout.elementLength.digits !== tagged.elementLength.digits || layout.tagEncoding !== tagged.tagEncoding)
      throw new JposPackagerError(
        child.line,
        `field ${childPath}: ${className} frames its elements unlike ${layout.className}; one packager takes one kind`,
      );
    const name = child.attributes['name'];
    const spec = tagged.spec(integerAttribute(child, 'length'));
    subfields[String(id).padStart(2, '0')] = name ? { ...spec, description: name } : spec;
  }
  if (layout === undefined)
    throw new JposPackagerError(element.line, `field ${path}: the nested packager declares no subfields`);
  const composite: CompositeFieldSpec = {
    type: 'composite',
    layout: 'tlv',
    length: frame.length,
    tag: { length: 2, encoding: layout.tagEncoding },
    elementLength: layout.elementLength,
    lengthFirst: true,
    subfields,
  };
  if (frame.prefix !== undefined) composite.prefix = frame.prefix;
  return composite;
}

function knownClass(element: XmlElement, path: string, className: string): FieldClass {
  const fieldClass = FIELD_CLASSES.get(className);
  if (fieldClass !== undefined) return fieldClass;
  const reason = UNMAPPED_CLASSES.get(className);
  const named = element.attributes['class'];
  if (reason !== undefined)
    throw new JposPackagerError(element.line, `field ${path}: class '${named}' is not supported: ${reason}`);
  if (TAGGED_CLASSES.has(className))
    throw new JposPackagerError(
      element.line,
      `field ${path}: '${named}' is a tagged element: it belongs in an ${TAGGED_PACKAGER}`,
    );
  throw new JposPackagerError(element.line, `field ${path}: unknown field class '${named}'`);
}

// The built-in specs mark card data by ISO field number; an imported spec gets the same marks.
const STANDARD_FIELDS = spec87ascii.fields as Record<string, FieldSpec>;

function withNameAndSensitivity(spec: FieldSpec, element: XmlElement, field: number): FieldSpec {
  const name = element.attributes['name'];
  const sensitive = field < 0 ? undefined : STANDARD_FIELDS[String(field)]?.sensitive;
  return { ...spec, ...(name ? { description: name } : {}), ...(sensitive ? { sensitive } : {}) };
}

function refuseElement(element: XmlElement): never {
  if (/validator/i.test(element.name)) {
    const named = element.attributes['class'] ?? element.attributes['name'] ?? '';
    throw new JposPackagerError(
      element.line,
      `validator <${element.name}${named ? ` class="${named}"` : ''}> is not supported: rx8583 checks values by their kind and encoding`,
    );
  }
  throw new JposPackagerError(
    element.line,
    `unexpected element <${element.name}> (expected isofield or isofieldpackager)`,
  );
}

function checkAttributes(element: XmlElement, allowed: readonly string[]): void {
  for (const name of Object.keys(element.attributes)) {
    if (!allowed.includes(name)) {
      const what = /valid/i.test(name) ? 'validator attribute' : 'attribute';
      throw new JposPackagerError(element.line, `<${element.name}>: ${what} '${name}' is not supported`);
    }
  }
}

function simpleClassName(element: XmlElement, attribute: string, defaultPackage: string): string {
  const value = element.attributes[attribute];
  if (value === undefined || value === '')
    throw new JposPackagerError(element.line, `<${element.name}> has no '${attribute}' attribute`);
  return value.startsWith(defaultPackage) ? value.slice(defaultPackage.length) : value;
}

function integerAttribute(element: XmlElement, name: string): number {
  const value = element.attributes[name];
  if (value === undefined) throw new JposPackagerError(element.line, `<${element.name}> has no '${name}' attribute`);
  if (!/^[0-9]{1,7}$/.test(value.trim()))
    throw new JposPackagerError(element.line, `<${element.name}>: ${name}="${value}" is not a whole number`);
  return Number(value.trim());
}

function booleanAttribute(element: XmlElement, name: string): boolean {
  const value = element.attributes[name];
  if (value !== 'true' && value !== 'false')
    throw new JposPackagerError(element.line, `<${element.name}>: ${name}="${value}" must be true or false`);
  return value === 'true';
}
