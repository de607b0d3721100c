/**
 * Where the common specs carry sensitive authentication data that no field mark names: card
 * verification codes (CVV2, CVC2) and the EMV elements that hold track data or a PIN. A spec that
 * declares these places as subfields gets exactly that element left out; the one opaque place
 * common enough to read — Mastercard's DE 48 as text — is parsed strictly and edited only when the
 * whole field reads as that layout.
 */

/**
 * Subfield paths stripped by default (`cardData.defaultStrip`, on unless `false`):
 * - `48.92`: Mastercard DE 48 subelement 92, the CVC 2;
 * - `126.10`: Visa field 126.10, the CVV2 authorization request data;
 * - `55.56`, `55.57`, `55.9F1F`, `55.9F20`, `55.9F6B`: EMV track 1 / track 2 equivalent data,
 *   track 1 / track 2 discretionary data, Mastercard contactless track 2 data;
 * - `55.99`: EMV transaction PIN data.
 */
export const DEFAULT_STRIPPED_PATHS: readonly string[] = [
  '48.92',
  '126.10',
  '55.56',
  '55.57',
  '55.9F1F',
  '55.9F20',
  '55.9F6B',
  '55.99',
];

/** Mastercard DE 48: the subelement that holds the CVC 2. */
const CVC2_SUBELEMENT = '92';

/**
 * Mastercard DE 48 as text — an optional transaction category code (one letter or a space), then
 * subelements of a 2-digit tag, a 2-digit length and that many characters — with subelement 92
 * (CVC 2) taken out; every other character stays as it was. `undefined` when the text does not
 * read as that layout to the last character, or holds no subelement 92: such a field 48 is some
 * other network's, and is left alone.
 */
export function withoutCvc2(text: string): string | undefined {
  let pos = /^[A-Z ]/.test(text) ? 1 : 0;
  let kept = text.slice(0, pos);
  let found = false;
  while (pos < text.length) {
    const header = text.slice(pos, pos + 4);
    if (!/^[0-9]{4}$/.test(header)) return undefined;
    const end = pos + 4 + Number(header.slice(2));
    if (end > text.length) return undefined;
    if (header.slice(0, 2) === CVC2_SUBELEMENT) found = true;
    else kept += text.slice(pos, end);
    pos = end;
  }
  return found ? kept : undefined;
}
