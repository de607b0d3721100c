import type { Message } from '@rx8583/iso8583';
import type { Framing } from '../framing/types';

type Header = Record<string, unknown>;

/**
 * The network headers (a TPDU, a BASE I header) inbound messages arrived with, for framings that
 * carry one: kept per message, without holding the message alive, so a reply can carry the header
 * derived from its request's (e.g. source and destination swapped).
 */
export class NetworkHeaders {
  /** Created by the first header: most framings carry none. */
  private byMessage: WeakMap<Message, Header> | undefined = undefined;

  constructor(private readonly framing: Framing) {}

  remember(message: Message, header: Header): void {
    (this.byMessage ??= new WeakMap()).set(message, header);
  }

  of(message: Message): Header | undefined {
    return this.byMessage?.get(message);
  }

  /** The header a reply carries: `explicit` when given, else the one derived from its request's. */
  forReply(explicit: Header | undefined, request: Message | undefined): Header | undefined {
    if (explicit !== undefined) return explicit;
    const requestHeader = request === undefined ? undefined : this.byMessage?.get(request);
    if (requestHeader === undefined || this.framing.replyHeader === undefined) return requestHeader;
    return this.framing.replyHeader(requestHeader);
  }
}
