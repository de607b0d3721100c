import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { firstValueFrom } from 'rxjs';
import { filter } from 'rxjs/operators';
import { connect, type Connection } from '@rx8583/connection';
import { defineSpec, Message, spec87ascii, type FieldSpec, type MessageSpec } from '@rx8583/iso8583';
import {
  createStoreAndForward,
  DEFAULT_STRIPPED_PATHS,
  fromStoredMessage,
  openJournalStore,
  toStoredMessage,
  type StoreAndForward,
} from '@rx8583/transactions';
import { withoutCvc2 } from '../src/card-data/verification-codes';
import { TEST_KEY, TestHost, cardMessage, linkTo, tempDir } from './support/host';

// Mastercard DE 48 as text: TCC 'R', then subelements 01 (3 chars), 92 (the CVC 2, 3 digits), 42 (7).
const DE48 = 'R' + '0103ABC' + '9203737' + '42072101012';
const DE48_WITHOUT_CVC2 = 'R' + '0103ABC' + '42072101012';
const CVC2_ELEMENT = '9203737';
// Visa field 126.10: presence indicator, response type, the CVV2 right-aligned in four characters.
const CVV2_DATA = '11 927';

const ascii = (digits: number) => ({ digits, encoding: 'ascii' as const });
const text = (length: number): FieldSpec => ({ type: 'string', length, encoding: 'ascii' });

/** spec87ascii with 48 as tag-length-value subelements, 126 behind a bitmap, 62 positional. */
const structured = defineSpec({
  name: 'structured private fields',
  fields: {
    ...spec87ascii.fields,
    48: {
      type: 'composite',
      layout: 'tlv',
      length: 999,
      prefix: ascii(3),
      tag: { length: 2, encoding: 'ascii' },
      elementLength: ascii(2),
      subfields: { '01': text(20), '42': text(20), '92': text(3) },
    },
    62: {
      type: 'composite',
      layout: 'positional',
      length: 999,
      prefix: ascii(3),
      subfields: { 1: text(2), 2: { type: 'numeric', length: 4, encoding: 'ascii' }, 3: text(6) },
    },
    126: {
      type: 'composite',
      layout: 'bitmap',
      length: 999,
      prefix: ascii(3),
      subfields: { 1: { type: 'bitmap', length: 8, encoding: 'hex', blocks: 1 }, 8: text(20), 10: text(6) },
    },
  },
});

function structuredMessage(): Message {
  return new Message(structured, {
    mti: '0220',
    fields: {
      2: '4761739001010119',
      11: '000001',
      48: [
        { tag: '01', value: 'ABC' },
        { tag: '92', value: '737' },
        { tag: '42', value: '2101012' },
      ],
      55: [
        { tag: '9F02', value: '000000001500' },
        { tag: '9F6B', value: '4761739001010119D2512201' },
      ],
      62: { 1: 'AB', 2: '0042', 3: 'NOTE12' },
      126: { 8: 'XID-0000000000000001', 10: CVV2_DATA },
    },
  });
}

describe('withoutCvc2: a Mastercard DE 48 held as text', () => {
  it.each([
    ['with a TCC', DE48, DE48_WITHOUT_CVC2],
    ['without a TCC', '0103ABC9203737', '0103ABC'],
    ['92 last', 'T42021A9203123', 'T42021A'],
  ])('takes subelement 92 out %s, every other character as it was', (_case, input, output) => {
    expect(withoutCvc2(input)).toBe(output);
  });

  it.each([
    ['no subelement 92', 'R0103ABC4203XYZ'],
    ['a length past the end', 'R0103ABC9209737'],
    ['text that is no TLV (another network)', 'CVV2=737 REF 42'],
    ['a trailing fragment', 'R9203737XY'],
    ['the empty field', ''],
  ])('leaves a field alone that has %s', (_case, input) => {
    expect(withoutCvc2(input)).toBeUndefined();
  });
});

describe('toStoredMessage: verification codes stripped by default', () => {
  it.each(DEFAULT_STRIPPED_PATHS.filter((p) => p.startsWith('55.')).map((p) => p.slice(3)))(
    'leaves out EMV tag %s of field 55, defined by the spec or not',
    async (tag) => {
      const icc = [
        { tag: '9F02', value: '000000001500' },
        { tag, value: 'A1B2C3D4E5F60718' },
      ];
      const stored = await toStoredMessage(cardMessage('0220', '1', {}).set(55, icc), { key: TEST_KEY });
      expect(JSON.stringify(stored)).not.toContain('a1b2c3d4e5f60718');
      const back = await fromStoredMessage(spec87ascii, stored, { key: TEST_KEY });
      expect((back.get(55) as Array<{ tag: string }>).map((e) => e.tag)).toEqual(['9F02']);
    },
  );

  it('takes the CVC 2 out of a DE 48 text field and keeps the rest of 48', async () => {
    const stored = await toStoredMessage(cardMessage('0220', '000001', { 48: DE48 }), { key: TEST_KEY });
    expect(stored.fields['48']).toBe(DE48_WITHOUT_CVC2);
    const back = await fromStoredMessage(spec87ascii, stored, { key: TEST_KEY });
    expect(back.get(48)).toBe(DE48_WITHOUT_CVC2);
  });

  it('leaves out 48.92, 126.10 and EMV track 2 (9F6B) where the spec declares them, nothing else; a positional gap is stored blank', async () => {
    const stored = await toStoredMessage(structuredMessage(), { key: TEST_KEY, strip: ['62.2'] });
    const json = JSON.stringify(stored);
    for (const secret of ['737', CVV2_DATA, '9F6B', '4761739001010119D']) expect(json).not.toContain(secret);
    const back = await fromStoredMessage(structured, stored, { key: TEST_KEY });
    expect(back.get(48)).toEqual([
      { tag: '01', value: 'ABC' },
      { tag: '42', value: '2101012' },
    ]);
    expect(back.get(126)).toEqual({ 8: 'XID-0000000000000001' });
    expect((back.get(55) as Array<{ tag: string }>).map((e) => e.tag)).toEqual(['9F02']);
    expect(back.get(62)).toEqual({ 1: 'AB', 2: '0000', 3: 'NOTE12' });
    expect(() => back.pack()).not.toThrow();
  });

  it('keeps them all with defaultStrip: false', async () => {
    const stored = await toStoredMessage(structuredMessage(), { key: TEST_KEY, defaultStrip: false });
    const back = await fromStoredMessage(structured, stored, { key: TEST_KEY });
    expect(back.get(126)).toEqual({ 8: 'XID-0000000000000001', 10: CVV2_DATA });
    const de48 = await toStoredMessage(cardMessage('0220', '1', { 48: DE48 }), { key: TEST_KEY, defaultStrip: false });
    expect(de48.fields['48']).toBe(DE48);
  });
});

describe('store-and-forward: no verification code in the journal', () => {
  let temp: ReturnType<typeof tempDir>;
  let host: TestHost;
  let conn: Connection | undefined;
  let saf: StoreAndForward | undefined;

  beforeEach(() => (temp = tempDir()));
  afterEach(async () => {
    await saf?.close();
    await conn?.close();
    await host?.stop();
    saf = conn = undefined;
    temp.remove();
  });

  /** A store-and-forward on a fresh journal to a host answering `code` (or nothing); its journal file. */
  async function start(spec: MessageSpec, code: string | undefined): Promise<string> {
    host = await new TestHost(() => code).start();
    conn = await connect(linkTo(host.port));
    const file = path.join(temp.dir, 'saf.journal');
    saf = createStoreAndForward({
      store: await openJournalStore({ path: file }),
      spec,
      cardData: { key: TEST_KEY },
      destinations: { host: { target: conn } },
    });
    return file;
  }

  it('writes no CVC 2 of a DE 48 text field to the journal, and delivers the rest of 48', async () => {
    const file = await start(spec87ascii, '00');
    const delivered = firstValueFrom(saf!.events$.pipe(filter((e) => e.type === 'delivered')));
    await saf!.enqueue('host', cardMessage('0220', '000001', { 48: DE48, 126: `CVV2 ${CVV2_DATA}` }));
    await delivered;
    const bytes = readFileSync(file);
    expect(bytes.includes(Buffer.from(CVC2_ELEMENT))).toBe(false);
    expect(bytes.includes(Buffer.from(DE48_WITHOUT_CVC2))).toBe(true);
    // 126 in spec87ascii is opaque text: only `strip: [126]` (or declaring its subfields) removes it.
    expect(bytes.includes(Buffer.from(CVV2_DATA))).toBe(true);
    const sent = await host.nth(1);
    expect(sent.message.get(48)).toBe(DE48_WITHOUT_CVC2);
  });

  it('writes no CVC 2, CVV2 or EMV track 2 with a spec that declares 48, 126 and 55 as subfields', async () => {
    const file = await start(structured, undefined);
    await saf!.enqueue('host', structuredMessage());
    const bytes = readFileSync(file);
    expect(bytes.length).toBeGreaterThan(100);
    for (const secret of [CVV2_DATA, '"92"', '4761739001010119d2512201', '4761739001010119D2512201']) {
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
    }
    expect(bytes.includes(Buffer.from('XID-0000000000000001'))).toBe(true);
  });
});
