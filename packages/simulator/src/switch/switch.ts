import {
  ConnectionClosedError,
  NoConnectionsError,
  PoolClosedError,
  SendTimeoutError,
  createPool,
  createServer,
  type Connection,
  type Framing,
  type Pool,
  type Server,
} from '@rx8583/connection';
import { Message, type FieldInput, type MessageSpec } from '@rx8583/iso8583';
import { transmissionDateTime } from '@rx8583/transactions';
import type { AddressInfo } from 'node:net';
import { Subject, catchError, defer, from, map, mergeMap, of, type Observable } from 'rxjs';
import { originalDataIn, originalDataOf } from '../issuer/accounts';
import { panMatches, textOf } from '../issuer/match-rule';
import { networkRequest, networkResponseCode } from '../issuer/network-management';
import { openIssuerForwarding } from './issuer-forwarding';
import { LegBook } from './leg-book';
import { validateRouting, type Route, type Routing } from './routing';
import { standIn } from './stand-in';

/** What the switch did with one acquirer request; no card data. */
export type SwitchEvent =
  /** Answered by the issuer `issuer`. */
  | { type: 'routed'; mti: string; stan?: string; issuer: string; code?: string }
  /** Answered by the switch in the issuer's place; `advised` when an advice was queued for the issuer. */
  | { type: 'standIn'; mti: string; stan?: string; issuer: string; code: string; reason: string; advised: boolean }
  /** A reversal answered by the switch and queued (0420) for an issuer that could not take it now. */
  | { type: 'reversalQueued'; mti: string; stan?: string; issuer: string }
  /** No route for the PAN: answered 15 (no such issuer). */
  | { type: 'noRoute'; mti: string; stan?: string }
  /** A link to an issuer came up (after its sign-on, when configured), or went down. */
  | { type: 'linkUp' | 'linkDown'; issuer: string; address: string }
  /** An advice or reversal queued earlier reached its issuer. */
  | { type: 'delivered'; issuer: string; mti: string }
  /** A request could not be answered as routed (a reply that would not pack); `serve` answered 96 where one is due. */
  | { type: 'error'; mti: string; key: string | undefined; error: Error };

/** What {@link startSwitch} takes. */
export interface SwitchOptions {
  /** The routing: issuers, BIN routes, stand-in, store-and-forward (validated; `RoutingError` when wrong). */
  routing: Routing;
  /** The spec of both sides. */
  spec: MessageSpec;
  /** The acquirer side's framing. Default `framing.binary2()`. */
  framing?: Framing;
  /** The issuer side's framing. Default: the acquirer side's. */
  issuerFraming?: Framing;
  /** TCP port for acquirers; 0 picks a free one. Default 0. */
  port?: number;
  /** Address to listen on. Default `'127.0.0.1'`. */
  host?: string;
}

/** A running switch. */
export interface RunningSwitch {
  readonly address: AddressInfo;
  readonly server: Server;
  /** The pool of each issuer, by name. */
  readonly pools: Readonly<Record<string, Pool>>;
  readonly events$: Observable<SwitchEvent>;
  /** Stops accepting, closes the acquirer links, the issuer pools and the store-and-forward. */
  close(): Promise<void>;
}

/** The issuer could not answer: no link, the link died, or no response in time. */
function issuerUnavailable(error: unknown): boolean {
  return (
    error instanceof SendTimeoutError ||
    error instanceof ConnectionClosedError ||
    error instanceof NoConnectionsError ||
    error instanceof PoolClosedError
  );
}

/** Fields an issuer's response carries that are the issuer leg's own, not the acquirer's. */
const LEG_FIELDS = new Set([7, 11, 32, 33, 90]);

/** The acquirer's response built from the issuer's: the acquirer's echo fields, the issuer's decision. */
function toAcquirer(request: Message, issuerResponse: Message): Message {
  const fields: Record<number, FieldInput> = {};
  for (const n of issuerResponse.fieldNumbers()) {
    if (!LEG_FIELDS.has(n)) fields[n] = issuerResponse.get(n)!;
  }
  return request.toResponse(fields);
}

/**
 * A switch: acquirers connect to its server; each request is routed by a BIN table to an
 * issuer's pool as an issuer leg with its own STAN and field 7 (the acquirer's RRN, 37, kept end to
 * end); the issuer's response is mapped back. A reversal goes to the issuer of its original with
 * field 90 rewritten to the leg's values. When the issuer cannot answer — no link, or no response
 * in `legTimeout` (the leg is then reversed: the issuer may have approved) — the switch answers in
 * stand-in and queues an advice carrying its decision; reversals for an issuer that is down are
 * answered at once and queued. Queued messages go through `@rx8583/transactions` store-and-forward.
 *
 * Every acquirer request is one RxJS pipeline, served by `server.serve`:
 *
 * ```
 * request ─► route by BIN ─► leg$ (own STAN, field 7) ─► map(toAcquirer)
 *                              └─ catchError(issuer unavailable ─► standIn$ ─► advice queued)
 * ```
 *
 * @example
 * ```ts
 * const sw = await startSwitch({ spec: spec87ascii, routing, port: 9000 });
 * sw.events$.subscribe((e) => console.log(e.type));
 * ```
 */
export async function startSwitch(options: SwitchOptions): Promise<RunningSwitch> {
  const routing = validateRouting(options.routing);
  const { spec, port = 0, host = '127.0.0.1' } = options;
  const legTimeout = routing.legTimeout ?? 10_000;
  const events = new Subject<SwitchEvent>();
  const pools = Object.fromEntries(
    Object.entries(routing.issuers).map(([name, links]) => [
      name,
      createPool({
        addresses: links.addresses,
        minConnections: 0,
        reconnect: { initial: routing.reconnect?.initial ?? 500, max: routing.reconnect?.max ?? 10_000 },
        connection: (address) => {
          const at = address.lastIndexOf(':');
          return {
            host: address.slice(0, at),
            port: Number(address.slice(at + 1)),
            spec,
            framing: options.issuerFraming ?? options.framing,
            sendTimeout: legTimeout,
            ...(links.signOn && { onConnect: signOn }),
          };
        },
        ...(links.signOn && { filter: (conn: Connection) => conn.status === 'online' }),
      }),
    ]),
  ) as Record<string, Pool>;
  const forwarding = await openIssuerForwarding({ spec, pools, config: routing.storeAndForward });
  const legs = new LegBook();
  const forwardingEvents = forwarding.events$.subscribe((event) => {
    if (event.type === 'delivered')
      events.next({ type: 'delivered', issuer: event.destination, mti: event.response.mti });
  });
  const poolEvents = Object.entries(pools).map(([issuer, pool]) =>
    pool.events$.subscribe((event) => {
      if (event.type === 'up' || event.type === 'down') {
        events.next({ type: event.type === 'up' ? 'linkUp' : 'linkDown', issuer, address: event.address });
      }
    }),
  );

  async function signOn(conn: Connection): Promise<void> {
    const request = new Message(spec, {
      mti: '0800',
      fields: { 7: transmissionDateTime(), 11: forwarding.nextStan('sign-on'), 70: '001' },
    });
    const response = await conn.send(request);
    if (textOf(response, 39) !== '00') throw new Error(`sign-on refused with response code ${textOf(response, 39)}`);
    conn.status = 'online';
  }

  const routeFor = (request: Message): Route | undefined => {
    const pan = textOf(request, 2);
    return pan === undefined ? undefined : routing.routes.find((route) => panMatches(route.pan, pan));
  };

  /**
   * The issuer leg of a request: its own STAN and field 7 (and 33 when the switch has an id). An
   * acquirer's repeat (x1x1) of a request already sent goes as a repeat of that same leg, so the
   * issuer sees one transaction, not two.
   */
  const legOf = (request: Message, issuer: string): Message => {
    const leg = request.clone();
    const earlier = Number(request.mti[3]) % 2 === 1 ? legs.find(originalDataOf(request)) : undefined;
    if (earlier && earlier.issuer === issuer) {
      // originalData: MTI (4) + STAN (6) + field 7 (10) + 32 + 33.
      leg.set(11, earlier.originalData.slice(4, 10)).set(7, earlier.originalData.slice(10, 20));
    } else {
      leg.mti = `${request.mti.slice(0, 3)}${Number(request.mti[3]) & ~1}`;
      leg.set(11, forwarding.nextStan(issuer)).set(7, transmissionDateTime());
    }
    if (routing.institution !== undefined) leg.set(33, routing.institution);
    return leg;
  };

  const base = (request: Message) => ({ mti: request.mti, stan: textOf(request, 11) });

  /** Stand-in for a request whose issuer cannot answer; the advice is queued before the answer goes. */
  const standIn$ = (request: Message, route: Route, leg: Message): Observable<Message> =>
    defer(async () => {
      const decision = standIn(request, route.standIn);
      const fields =
        decision.code === '00' ? { 38: `S${leg.getString(11).slice(1)}`, 39: '00' } : { 39: decision.code };
      if (decision.advise) {
        const advice = leg.clone();
        advice.mti = `${leg.mti.slice(0, 2)}20`;
        for (const [n, value] of Object.entries(fields)) advice.set(Number(n), value);
        advice.delete(52);
        await forwarding.queue(route.issuer, advice, 'advice');
        legs.remember(originalDataOf(request), { issuer: route.issuer, originalData: originalDataOf(leg) });
      }
      events.next({
        type: 'standIn',
        ...base(request),
        issuer: route.issuer,
        code: decision.code,
        reason: decision.reason,
        advised: decision.advise,
      });
      return request.toResponse(fields);
    });

  /** An authorization or financial request: the issuer leg, or stand-in. */
  const authorization$ = (request: Message): Observable<Message> => {
    const route = routeFor(request);
    if (route === undefined) {
      events.next({ type: 'noRoute', ...base(request) });
      return of(request.toResponse({ 39: '15' }));
    }
    const leg = legOf(request, route.issuer);
    return defer(() => {
      legs.remember(originalDataOf(request), { issuer: route.issuer, originalData: originalDataOf(leg) });
      return forwarding.sendLeg(route.issuer, leg, legTimeout);
    }).pipe(
      map((response) => {
        events.next({ type: 'routed', ...base(request), issuer: route.issuer, code: textOf(response, 39) });
        return toAcquirer(request, response);
      }),
      catchError((error: unknown) =>
        issuerUnavailable(error) ? standIn$(request, route, leg) : Promise.reject(error),
      ),
    );
  };

  /** A reversal: to the issuer of its original, field 90 as that issuer knows it; queued when it is down. */
  const reversal$ = (request: Message): Observable<Message> => {
    const acquirerOriginal = originalDataIn(request);
    const known = acquirerOriginal === undefined ? undefined : legs.find(acquirerOriginal);
    const issuer = known?.issuer ?? routeFor(request)?.issuer;
    if (issuer === undefined) {
      events.next({ type: 'noRoute', ...base(request) });
      return of(request.toResponse({ 39: '15' }));
    }
    const leg = legOf(request, issuer);
    if (known) leg.set(90, known.originalData);
    return defer(() => pools[issuer]!.get().then((conn) => conn.send(leg, { timeout: legTimeout }))).pipe(
      map((response) => {
        events.next({ type: 'routed', ...base(request), issuer, code: textOf(response, 39) });
        return toAcquirer(request, response);
      }),
      catchError((error: unknown) => {
        if (!issuerUnavailable(error)) return Promise.reject(error);
        const queued = leg.clone();
        queued.mti = `${leg.mti.slice(0, 2)}20`;
        return from(forwarding.queue(issuer, queued, 'reversal')).pipe(
          map(() => {
            events.next({ type: 'reversalQueued', ...base(request), issuer });
            return request.toResponse({ 39: '00' });
          }),
        );
      }),
    );
  };

  const answer$ = (request: Message): Observable<Message> => {
    const network = networkRequest(request, {});
    if (network !== undefined) return of(request.toResponse({ 39: networkResponseCode(request, network) }));
    return request.mti[1] === '4' ? reversal$(request) : authorization$(request);
  };

  const server = createServer({ spec, ...(options.framing && { framing: options.framing }) });
  // Every acquirer request is answered by answer$; a failure (a reply that does not pack) is
  // reported and answered 96 by `serve`, never taking the link down.
  server.serve((request) => answer$(request), { concurrency: 4096 });
  const acquirerLinks = server.connections$.pipe(mergeMap((conn) => conn.events$)).subscribe((event) => {
    if (event.type === 'handlerError')
      events.next({ type: 'error', mti: event.mti, key: event.key, error: event.error });
  });

  for (const pool of Object.values(pools)) void pool.connect().catch(() => undefined);
  let address: AddressInfo;
  try {
    address = await server.listen(port, host);
  } catch (error) {
    acquirerLinks.unsubscribe();
    await Promise.all(Object.values(pools).map((pool) => pool.close()));
    await forwarding.close();
    throw error;
  }
  return {
    address,
    server,
    pools,
    events$: events.asObservable(),
    async close() {
      await server.close();
      acquirerLinks.unsubscribe();
      await forwarding.close();
      await Promise.all(Object.values(pools).map((pool) => pool.close()));
      forwardingEvents.unsubscribe();
      for (const subscription of poolEvents) subscription.unsubscribe();
      events.complete();
    },
  };
}
