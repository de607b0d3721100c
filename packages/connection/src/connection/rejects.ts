import type { Message } from '@rx8583/iso8583';
import { asError, RejectedMessageError } from '../errors';
import { describeValue, refuseUnknownKeys, requireObject, type KnownKeys } from '../option-checks';
import { keyOrUndefined, mtiLabel, type RequestKeyFn } from '../operators/request-key';
import type { NetworkHeaders } from './network-headers';
import type { RejectedRequestFn } from './options';
import type { RequestMux } from './request-mux';

/** Where `rejects.originalDataElements` finds the original's MTI and STAN. */
export interface OriginalDataOptions {
  /** The field that starts with the original MTI (4 digits) and STAN (6 digits). Default 90. */
  field?: number;
  /**
   * For a composite field (a TLV field 48, say): the subfield id or tag inside `field` that holds
   * the original data elements. Default none: the field's own value.
   */
  element?: string | number;
}

const ORIGINAL_DATA_KEYS: KnownKeys<OriginalDataOptions> = { field: true, element: true };
const ORIGINAL_DATA = /^[0-9]{10}/;

/**
 * Ready-made `rejectedRequest` options: each recognises one way a network sends back a request it
 * refused, so the pending `send` fails at once with `RejectedMessageError` instead of running into
 * its timeout.
 *
 * @example
 * ```ts
 * connect({ host, port, spec, framing: framing.base1(), rejectedRequest: rejects.visaHeader() });
 * connect({ host, port, spec, rejectedRequest: rejects.originalDataElements() });           // 0620 with 90
 * connect({ host, port, spec, rejectedRequest: rejects.originalDataElements({ field: 48, element: '01' }) });
 * ```
 */
export const rejects = {
  /**
   * Visa BASE I: a message whose header carries a reject code (`framing.base1` decodes Visa's
   * reject header into `rejectCode`) is the rejected request itself, returned as it was sent, so
   * its own key finds the pending send.
   */
  visaHeader(): RejectedRequestFn {
    return (message, header) => (typeof header?.rejectCode === 'string' ? message : undefined);
  },

  /**
   * Networks that reject with an administrative advice (06xx, e.g. 0620) naming the original by
   * its data elements: `field` (default 90, where ISO 8583:1987 puts the original data elements;
   * 48 or another private field for networks that carry them there, `element` inside a composite
   * one) starts with the original MTI (4 digits) and STAN (6 digits). The advice, given that MTI
   * and STAN, carries the rest of the key (field 41) as the original did.
   */
  originalDataElements(options: OriginalDataOptions = {}): RejectedRequestFn {
    const where = 'rejects.originalDataElements';
    requireObject(where, 'options', options);
    refuseUnknownKeys(where, options, ORIGINAL_DATA_KEYS);
    const { field = 90, element } = options;
    if (typeof field !== 'number' || !Number.isInteger(field) || field < 2 || field > 128) {
      throw new RangeError(`${where}: options.field must be a data field number 2..128, got ${describeValue(field)}`);
    }
    if (element !== undefined && typeof element !== 'string' && typeof element !== 'number') {
      throw new TypeError(`${where}: options.element must be a subfield id or tag, got ${describeValue(element)}`);
    }
    return (message: Message) => {
      if (message.mti.charAt(1) !== '6' || !message.has(field)) return undefined;
      const data = element === undefined ? message.get(field) : elementOf(message.get(field), String(element));
      if (typeof data !== 'string' || !ORIGINAL_DATA.test(data)) return undefined;
      const original = message.clone();
      original.mti = data.slice(0, 4);
      original.set(11, data.slice(4, 10));
      return original;
    };
  },
} as const;

/** The value of subfield or tag `id` of a composite value: an object by id, or TLV `{ tag, value }` elements. */
function elementOf(value: unknown, id: string): unknown {
  if (Array.isArray(value)) {
    return (value as { tag?: unknown; value?: unknown }[]).find((element) => element?.tag === id)?.value;
  }
  if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) {
    return (value as Record<string, unknown>)[id];
  }
  return undefined;
}

/**
 * A link's `rejectedRequest` option at work: an inbound message that matched nothing and that the
 * option recognises as the network's reject of one of our requests fails that request at once
 * (`RejectedMessageError`, with the header's reject code when there is one), and is remembered as
 * a reject, so that it never reaches a `serve` handler as a request.
 */
export class NetworkRejects {
  /** The messages taken as rejects, without holding them alive (made by the first). */
  private taken: WeakSet<Message> | undefined = undefined;

  constructor(
    private readonly recognise: RejectedRequestFn,
    private readonly requestKey: RequestKeyFn,
    private readonly headers: NetworkHeaders,
    /** A recogniser that threw: reported on `events$`. */
    private readonly report: (error: Error) => void,
  ) {}

  /** The key of the request `message` rejects; undefined when it is no reject. */
  keyOf(message: Message): string | undefined {
    let original: Message | string | undefined;
    try {
      original = this.recognise(message, this.headers.of(message));
    } catch (error) {
      this.report(asError(error));
      return undefined;
    }
    return typeof original === 'string' ? original : original && keyOrUndefined(this.requestKey, original);
  }

  /** Fails the request `message` rejects, if it is pending; returns whether `message` is a reject. */
  take(message: Message, requests: RequestMux | undefined): boolean {
    const key = this.keyOf(message);
    if (key === undefined) return false;
    if (requests?.has(key) === true) {
      const code = this.headers.of(message)?.rejectCode;
      const detail = typeof code === 'string' ? `, reject code ${code}` : '';
      requests.reject(key, new RejectedMessageError(key, `rejected by the peer (${mtiLabel(message.mti)}${detail})`));
    }
    (this.taken ??= new WeakSet()).add(message);
    return true;
  }

  /** Whether `message` was taken as a reject (held for `inbound$`, never a request for `serve`). */
  isReject(message: Message): boolean {
    return this.taken?.has(message) ?? false;
  }
}
