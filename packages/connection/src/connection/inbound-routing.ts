import type { Message, UnpackError } from '@rx8583/iso8583';
import type { Observable } from 'rxjs';
import { asError, InboundOverflowError, RejectedMessageError } from '../errors';
import { isResponseMti, keyOrUndefined, mtiLabel, responseKey, type RequestKeyFn } from '../operators/request-key';
import type { Clock } from './clock';
import type { ConnectionEvent } from './events';
import { HeldUntilSubscribed, type OverflowHandler } from './held-until-subscribed';
import type { InboundSideChannels } from './inbound-pipeline';
import type { NetworkHeaders } from './network-headers';
import type { ResolvedLinkOptions } from './options';
import { NetworkRejects } from './rejects';
import type { RequestHandler, ResolvedServeOptions } from './request-handler';
import type { OutboundRequest, RequestMux } from './request-mux';
import { Serving } from './serving';
import { TimeoutClues } from './timeout-clues';
import type { Connection } from './types';

/** What routing needs from its link, besides its public face (the connection implements it). */
export interface RoutedLink extends Connection {
  /** The requests awaiting a response, once the link has sent any. */
  readonly pendingRequests: RequestMux | undefined;
  /** Reports on `events$`. */
  emit(event: ConnectionEvent): void;
  /** Answers a keep-alive with one when `echoKeepAlive` is on and the link is up; says whether it did. */
  echoKeepAlive(): boolean;
  /** Stops or resumes reading the socket: `serve`'s handlers are all busy, or no longer. */
  holdForHandlers(held: boolean): void;
}

/**
 * Where the read side's outputs go. A message that matched no pending request is the network's
 * reject of one of ours (`rejectedRequest`: its request fails, the reject goes to `inbound$`), a
 * request for the `serve` handler when there is one, or else for `inbound$` — held until its first
 * subscriber, so a host's 0800 right after accept is not lost. Keep-alives, unpack failures and
 * messages the inbound check refused are reported on `events$`; unmatched responses and unpack
 * failures are kept as clues for the error of a request that times out.
 */
export class InboundRouting implements InboundSideChannels, OverflowHandler<Message> {
  private readonly inbox: HeldUntilSubscribed<Message>;
  private serving: Serving | undefined = undefined;
  /** The `rejectedRequest` option at work (undefined without it). */
  private readonly rejects: NetworkRejects | undefined = undefined;
  /** Made by the first clue (an unmatched response, an unpack failure). */
  private clues: TimeoutClues | undefined = undefined;

  constructor(
    private readonly link: RoutedLink,
    private readonly options: ResolvedLinkOptions,
    private readonly headers: NetworkHeaders,
    /** The link is gone already: `inbound$` is complete from the start. */
    gone: boolean,
  ) {
    // No closure here: one would give every link a closure and its context (~110 bytes, measured).
    const { inboundBufferSize, rejectedRequest, requestKey } = options;
    this.inbox = new HeldUntilSubscribed<Message>(inboundBufferSize, this);
    if (gone) this.inbox.complete();
    if (rejectedRequest !== undefined) this.rejects = networkRejects(link, rejectedRequest, requestKey, headers);
  }

  /** Requests from the peer (while nobody serves them), late and unknown responses. */
  get inbound$(): Observable<Message> {
    return this.inbox.observable;
  }

  /** An inbound message nothing matched: a request for `serve`, else for `inbound$`. */
  route(message: Message): void {
    // A network's reject answers our request: it is never a request for the serve handler.
    const rejected = this.rejects !== undefined && this.rejects.take(message, this.link.pendingRequests);
    const response = isResponseMti(message.mti);
    if (response) (this.clues ??= new TimeoutClues()).unmatchedResponse(message);
    if (this.serving !== undefined && !response && !rejected) this.serving.push(message);
    else this.inbox.push(message);
  }

  /**
   * From now on `handler` answers the peer's requests, the ones held for `inbound$` first.
   *
   * @throws Error when the link is served already.
   */
  serve(handler: RequestHandler, options: ResolvedServeOptions, ended: boolean, clock: Clock | undefined): void {
    if (this.serving !== undefined) throw new Error('serve: this connection is already served by a handler');
    const link = this.link;
    const serving = new Serving(
      {
        connection: link,
        reply: (response, request) => link.reply(response, { request }),
        keyOf: (request) => keyOrUndefined(this.options.requestKey, request),
        report: (failure) => link.emit({ type: 'handlerError', ...failure }),
        holdReading: (held) => link.holdForHandlers(held),
      },
      handler,
      options,
      clock,
    );
    this.serving = serving;
    if (ended) serving.stop();
    const isRequest = (message: Message) => !isResponseMti(message.mti) && !(this.rejects?.isReject(message) ?? false);
    for (const request of this.inbox.takeHeld(isRequest)) serving.push(request);
  }

  /** The key `conn.reject(message)` fails: of the request a network's reject names, else the message's own. */
  keyToReject(message: Message): string | undefined {
    return this.rejects?.keyOf(message) ?? keyOrUndefined(this.options.requestKey, message);
  }

  /** What the link saw during a timed-out request's wait that may explain it ('' for nothing). */
  timeoutHint(request: OutboundRequest, timeout: number): string {
    return this.clues?.hintFor(request.message.get(11), timeout) ?? '';
  }

  /** Settles when no `serve` handler runs or waits (at once when nobody serves). */
  whenServed(): Promise<void> | undefined {
    return this.serving?.whenIdle();
  }

  /** The link ended, or its close gave up draining: handlers are no longer waited for. */
  stopServing(): void {
    this.serving?.stop();
  }

  /** The link is gone: `inbound$` completes (held messages still go to a first subscriber). */
  complete(): void {
    this.inbox.complete();
  }

  /** @internal OverflowHandler: more messages arrived before anyone subscribed to `inbound$` than it holds. */
  overflowed(dropped: Message): void {
    this.link.emit({
      type: 'error',
      error: new InboundOverflowError(this.options.inboundBufferSize, mtiLabel(dropped.mti)),
    });
  }

  /** @internal InboundSideChannels */
  header(message: Message, header: Record<string, unknown>): void {
    this.headers.remember(message, header);
  }

  /** @internal InboundSideChannels */
  keepAlive(): void {
    this.link.emit({ type: 'keepAlive', echoed: this.link.echoKeepAlive() });
  }

  /** @internal InboundSideChannels */
  unpackError(error: UnpackError): void {
    (this.clues ??= new TimeoutClues()).unpackFailure();
    this.link.emit({ type: 'unpackError', error });
  }

  /** @internal InboundSideChannels: the inbound check refused `message`; the request it answers (if pending) fails. */
  refused(message: Message, error: unknown): void {
    const reason = asError(error);
    this.link.emit({ type: 'inboundRefused', mti: mtiLabel(message.mti), error: reason });
    const key = responseKey(this.options.requestKey, message);
    const requests = this.link.pendingRequests;
    if (key !== undefined && requests?.awaits(key) === true) {
      requests.reject(
        key,
        new RejectedMessageError(key, `the response was refused: ${reason.message}`, { cause: reason }),
      );
    }
  }
}

/** The `rejectedRequest` option at work, a recogniser that throws reported on `events$`. */
function networkRejects(
  link: RoutedLink,
  recognise: NonNullable<ResolvedLinkOptions['rejectedRequest']>,
  requestKey: RequestKeyFn,
  headers: NetworkHeaders,
): NetworkRejects {
  return new NetworkRejects(recognise, requestKey, headers, (error) => link.emit({ type: 'error', error }));
}
