import {
  createServer,
  type Connection,
  type RequestHandler,
  type Server,
  type ServerOptions,
} from '@rx8583/connection';
import type { Message } from '@rx8583/iso8583';
import type { AddressInfo } from 'node:net';
import { mergeMap, Subject, timer, type Observable } from 'rxjs';
import { IssuerSimulator, type IssuerAnswer, type IssuerOptions, type LinkState } from './issuer';
import type { IssuerRules } from './rules';

/** A body that no ISO 8583 spec decodes: the MTI is not digits (the `garbage` fault). */
const GARBAGE = Uint8Array.from(Buffer.from('\xff\xfeGARBAGE-NOT-ISO8583', 'latin1'));

/** A request the issuer could not answer as its rule says (a response that does not pack, a link gone). */
export interface IssuerError {
  /** The request's MTI and correlation key; never card data. */
  mti: string;
  key: string | undefined;
  error: Error;
}

/** A STAN other than `stan` (the `wrongStan` fault): half a cycle away, never 000000. */
function otherStan(stan: string | undefined): string {
  const n = ((Number(stan ?? '0') + 500_000) % 1_000_000 || 1).toString();
  return n.padStart(6, '0');
}

/** Carries out an answer on the link; resolves with the reply `serve` sends, if any. */
async function act(conn: Connection, request: Message, answer: IssuerAnswer): Promise<Message | undefined> {
  const { response, fault } = answer;
  switch (fault?.type) {
    case 'close':
      // At once, as a host that drops the link does: no graceful drain of what is in flight.
      conn.destroy();
      return undefined;
    case 'garbage':
      await conn.write(GARBAGE);
      return undefined;
    case 'noAnswer':
      return undefined;
    case 'duplicate':
      await conn.reply(response!, { request });
      return response;
    case 'wrongStan':
      return response!.set(11, otherStan(answer.decision.stan));
    default:
      return response;
  }
}

/**
 * The issuer as a `serve` handler, an RxJS pipeline per request: decide, wait the rule's latency,
 * then reply or misbehave. `serve` runs requests concurrently (a slow rule never holds back the
 * next request) and reports a handler that fails (`handlerError`), answering 96 where the
 * acquirer waits for an answer — the link keeps serving.
 *
 * ```
 * request ─► issuer.answer ─► timer(latency) ─► reply | fault (no answer, close, garbage, duplicate, wrong STAN)
 * ```
 *
 * @example
 * ```ts
 * server.serve(issuerHandler(new IssuerSimulator(rules)), { concurrency: 4096 });
 * ```
 */
export function issuerHandler(issuer: IssuerSimulator): RequestHandler {
  const links = new WeakMap<Connection, LinkState>();
  return (request, conn) => {
    let link = links.get(conn);
    if (link === undefined) links.set(conn, (link = { signedOn: false }));
    const answer = issuer.answer(request, link);
    // The common case answers in the same turn: no timer, no promise (a timer would add a tick and
    // a millisecond to every round trip).
    if (answer.delay === 0 && answer.fault === undefined) return answer.response;
    return timer(answer.delay).pipe(mergeMap(() => act(conn, request, answer)));
  };
}

/** Options of {@link startIssuer}: the server's options, the rules, and where to listen. */
export interface StartIssuerOptions extends ServerOptions, IssuerOptions {
  /** The rules (validated; `RuleError` when wrong). */
  rules: IssuerRules;
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Address to listen on. Default `'127.0.0.1'`. */
  host?: string;
  /** Requests answered at once on one link (each waiting its latency). Default 4 096. */
  concurrency?: number;
}

/** A running issuer simulator. */
export interface RunningIssuer {
  readonly simulator: IssuerSimulator;
  readonly server: Server;
  readonly address: AddressInfo;
  /** Failures to answer (a reply that does not pack, a link gone). */
  readonly errors$: Observable<IssuerError>;
  /** Stops listening and closes every link. */
  close(): Promise<void>;
}

/**
 * Starts an issuer simulator: a server whose every link is answered by the rules.
 *
 * @example
 * ```ts
 * const issuer = await startIssuer({ spec: spec87ascii, rules: { defaultCode: '00' }, port: 0 });
 * console.log(issuer.address.port);
 * await issuer.close();
 * ```
 */
export async function startIssuer(options: StartIssuerOptions): Promise<RunningIssuer> {
  const { rules, port = 0, host = '127.0.0.1', now, random, concurrency = 4096, ...serverOptions } = options;
  const simulator = new IssuerSimulator(rules, { now, random });
  const server = createServer(serverOptions);
  server.serve(issuerHandler(simulator), { concurrency });
  const errors = new Subject<IssuerError>();
  const subscription = server.connections$.pipe(mergeMap((conn) => conn.events$)).subscribe((event) => {
    if (event.type === 'handlerError') errors.next({ mti: event.mti, key: event.key, error: event.error });
  });
  let address: AddressInfo;
  try {
    address = await server.listen(port, host);
  } catch (error) {
    subscription.unsubscribe();
    throw error;
  }
  return {
    simulator,
    server,
    address,
    errors$: errors.asObservable(),
    async close() {
      await server.close();
      subscription.unsubscribe();
      errors.complete();
    },
  };
}
