import { LengthPrefixedFraming, type FixedHeaderCodec } from './length-prefixed-framing';

/**
 * A fixed-size header's codec: all `framing.withHeader` needs. The built-in `tpdu` is one;
 * `@solana/buffer-layout` structures (`struct([...])`) fit it as they are, with nothing to adapt.
 */
export interface HeaderLayout<T> {
  /** Size of the header in bytes: fixed, at least 1 (a variable-size layout reports -1 and is refused). */
  readonly span: number;
  /** Name of the header, used in the framing's name (`binary2+tpdu`); default `header`. */
  readonly property?: string;
  /** Reads the header at `offset`. */
  decode(bytes: Uint8Array, offset: number): T;
  /** Writes `header` at `offset` (the `span` bytes there are zero beforehand); throws on a value it cannot write. */
  encode(header: T, target: Uint8Array, offset: number): unknown;
}

/** How a fixed header is filled in on the messages we send. */
export interface WithHeaderOptions<T> {
  /** Header written when `encode` is called without one, e.g. this terminal's TPDU. */
  defaultHeader?: T;
  /** The reply's header given the request's, e.g. {@link swapTpdu}. Default: the same header. */
  replyHeader?: (requestHeader: T) => T;
}

/**
 * A framing with a fixed network header (TPDU, BASE I header) between the length prefix and the
 * ISO 8583 message, declared as a {@link HeaderLayout} (the built-in `tpdu`, or an
 * `@solana/buffer-layout` structure). The length prefix counts the
 * header; decoded frames carry it as `frame.header`, and `replyHeader` turns a request's header
 * into its reply's.
 *
 * @example
 * ```ts
 * import { framing, tpdu, swapTpdu } from '@rx8583/connection';
 *
 * const nac = framing.withHeader(framing.binary2(), tpdu, {
 *   defaultHeader: { id: 0x60, destination: 0x0001, source: 0x0000 },
 *   replyHeader: swapTpdu,
 * });
 * nac.encode(body);               // 2-byte length, 60 00 01 00 00, body
 * ```
 */
export function withHeader<T extends object>(
  base: LengthPrefixedFraming,
  layout: HeaderLayout<T>,
  options: WithHeaderOptions<T> = {},
): LengthPrefixedFraming {
  if (!(base instanceof LengthPrefixedFraming)) {
    throw new TypeError('framing.withHeader: base must be a framing preset such as framing.binary2()');
  }
  if (base.fixedHeader) {
    throw new TypeError(`framing.withHeader: ${base.name} already has a fixed header`);
  }
  if (!layout || typeof layout.decode !== 'function' || typeof layout.encode !== 'function') {
    throw new TypeError('framing.withHeader: layout must have decode and encode methods (a HeaderLayout)');
  }
  if (!Number.isInteger(layout.span) || layout.span < 1) {
    throw new RangeError('framing.withHeader: layout must have a fixed size of at least one byte');
  }
  const { defaultHeader, replyHeader } = options;
  if (replyHeader !== undefined && typeof replyHeader !== 'function') {
    throw new TypeError('framing.withHeader: replyHeader must be a function');
  }
  if (defaultHeader !== undefined) {
    // Encoding it once now turns a bad default into an error at configuration time, not on first send.
    layout.encode(defaultHeader, new Uint8Array(layout.span), 0);
  }
  const codec: FixedHeaderCodec = {
    size: layout.span,
    decode: (bytes, offset) => layout.decode(bytes, offset) as Record<string, unknown>,
    encode: (header, target, offset) => {
      layout.encode(header as T, target, offset);
    },
    defaultHeader: defaultHeader as Record<string, unknown> | undefined,
    replyHeader: (replyHeader ?? sameHeader) as FixedHeaderCodec['replyHeader'],
  };
  return new LengthPrefixedFraming(
    base.prefix,
    base.includesHeader,
    base.maxFrameLength,
    codec,
    `${base.name}+${layout.property ?? 'header'}`,
  );
}

function sameHeader<T>(header: T): T {
  return header;
}
