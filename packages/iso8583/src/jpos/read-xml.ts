import type { X2jOptions, XMLParser as XMLParserClass, XMLValidator as XMLValidatorObject } from 'fast-xml-parser';
import { JposPackagerError } from '../errors';

/** An element of the packager document: its name, attributes (entities decoded) and line. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** 1-based line of the element's `<`. */
  readonly line: number;
  readonly children: readonly XmlElement[];
}

type FastXmlParser = { XMLParser: typeof XMLParserClass; XMLValidator: typeof XMLValidatorObject };

// No entity is ever expanded and no DTD is ever read: a packager file names jPOS's DTD by URL, and
// following it would mean network access while loading a spec.
const PARSER_OPTIONS: X2jOptions = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  captureMetaData: true,
};

const PREDEFINED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

let parserModule: FastXmlParser | undefined;

function loadParser(): FastXmlParser {
  if (parserModule !== undefined) return parserModule;
  try {
    // Loaded on first use, so that only users of this entry need the optional peer dependency.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    parserModule = require('fast-xml-parser') as FastXmlParser;
  } catch (cause) {
    throw new JposPackagerError(
      undefined,
      `importing a jPOS packager needs the optional peer dependency 'fast-xml-parser' (npm install fast-xml-parser@5)`,
      { cause },
    );
  }
  return parserModule;
}

/**
 * Parses packager XML into elements with line numbers. Refuses a document that declares any entity
 * (an external one could read files or reach the network, an internal one could expand without
 * bound), that is not well-formed, or that refers to an entity other than XML's five and numeric
 * character references.
 */
export function readXml(xml: string): XmlElement {
  const lines = lineStarts(xml);
  const entity = /<!ENTITY\s+(%\s*)?([^\s>]*)\s*(SYSTEM|PUBLIC)?/.exec(xml);
  if (entity !== null) {
    const kind =
      entity[1] !== undefined ? 'a parameter entity' : entity[3] !== undefined ? 'an external entity' : 'an entity';
    throw new JposPackagerError(
      lineAt(lines, entity.index),
      `the document declares ${kind} ('${entity[2]}'): entities are refused, a packager file needs none`,
    );
  }
  const { XMLParser, XMLValidator } = loadParser();
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new JposPackagerError(valid.err.line, `not well-formed XML: ${valid.err.msg}`);
  let nodes: unknown[];
  try {
    nodes = new XMLParser(PARSER_OPTIONS).parse(xml) as unknown[];
  } catch (cause) {
    throw new JposPackagerError(undefined, `not readable XML: ${(cause as Error).message}`, { cause });
  }
  const meta = XMLParser.getMetaDataSymbol() as unknown as symbol;
  const roots = nodes.map((node) => toElement(node as OrderedNode, meta, lines)).filter((e) => e !== undefined);
  if (roots.length !== 1) throw new JposPackagerError(undefined, 'the document must have one root element');
  return roots[0]!;
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

function toElement(node: OrderedNode, meta: symbol, lines: readonly number[]): XmlElement | undefined {
  const name = Object.keys(node).find((key) => key !== ':@');
  if (name === undefined || name === '#text') return undefined;
  const line = lineAt(lines, (node[meta as unknown as string] as { startIndex: number }).startIndex);
  const attributes: Record<string, string> = {};
  for (const [key, raw] of Object.entries(node[':@'] ?? {})) attributes[key] = decodeEntities(raw, line, key);
  const children = (node[name] as OrderedNode[])
    .map((child) => toElement(child, meta, lines))
    .filter((child) => child !== undefined);
  return { name, attributes, line, children };
}

function decodeEntities(value: string, line: number, attribute: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z_][\w.-]*);/g, (_match, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    const text = PREDEFINED_ENTITIES[ref];
    if (text === undefined)
      throw new JposPackagerError(line, `attribute '${attribute}' refers to the undeclared entity '&${ref};'`);
    return text;
  });
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineAt(starts: readonly number[], index: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= index) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}
