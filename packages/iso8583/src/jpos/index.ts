/**
 * @rx8583/iso8583/jpos — import jPOS GenericPackager XML as a `MessageSpec`. A separate entry, so
 * that only its users load an XML parser: it needs the optional peer dependency `fast-xml-parser`
 * (configured to read no DTD and expand no entity; a document that declares one is refused).
 */
import { JposPackagerError } from '../errors';
import type { MessageSpec } from '../spec/types';
import { readJposPackager, type JposPackager, type JposPackagerOptions } from './import-packager';

/**
 * Builds a spec from a jPOS GenericPackager XML document (what `GenericPackager` reads): field
 * classes, lengths, `pad`, nested positional subfield packagers, and the standard echo sets for
 * `toResponse`. Card-data fields are marked `sensitive` by ISO field number, as in the built-in
 * specs. Throws {@link JposPackagerError} with the line at fault for a class, attribute or validator
 * rx8583 cannot carry as jPOS would — and for a non-zero `headerLength` (a header belongs to the
 * framing in rx8583: use {@link readJposPackager} to get the spec and the header length).
 *
 * @example
 * ```ts
 * import { specFromJposPackager } from '@rx8583/iso8583/jpos';
 * const spec = specFromJposPackager(fs.readFileSync('cfg/packager/iso87binary.xml', 'utf8'), { name: 'Acme ISO87B' });
 * const bytes = new Message(spec, { mti: '0800', fields: { 11: 1, 70: 301 } }).pack();
 * ```
 */
export function specFromJposPackager(xml: string | Uint8Array, options?: JposPackagerOptions): MessageSpec {
  const { spec, headerLength } = readJposPackager(xml, options);
  if (headerLength !== 0) {
    throw new JposPackagerError(
      undefined,
      `headerLength="${headerLength}": the packager reads a ${headerLength}-byte header before the MTI; in rx8583 a ` +
        'header belongs to the framing (framing.withHeader): use readJposPackager to get the spec and the header length',
    );
  }
  return spec;
}

export { readJposPackager, type JposPackager, type JposPackagerOptions };
export { JposPackagerError };
