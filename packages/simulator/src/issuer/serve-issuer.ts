import { createServer, isResponseMti, type Connection, type Server, type ServerOptions } from '@rx8583/connection';
import type { Message } from '@rx8583/iso8583';
import type { AddressInfo } from 'node:net';
import { catchError, defer, filter, ignoreElements, mergeMap, of, Subject, timer, type Observable } from 'rxjs';
import { IssuerSimulator, type IssuerAnswer, type IssuerOptions, type LinkState } from './issuer';
import { textOf } from './match-rule';
import type { IssuerRules } from './rules';

/** A body that no ISO 8583 spec decodes: the MTI is not digits (the `garbage` fault). */
const GARBAGE = Uint8Array.from(Buffer.from('\xff\xfeGARBAGE-NOT-ISO8583', 'latin1'));

/** Something that went wrong while answering: a reply that could not be packed or written. */
export interface IssuerError {
  /** The request's MTI and STAN; never card data. */
  mti: string;
  stan?: string;
  error: Error;
}

/** A STAN other than `stan` (the `wrongStan` fault): half a cycle away, never 000000. */
function otherStan(stan: string | undefined): string {
  const n = ((Number(stan ?? '0') + 500_000) % 1_000_000 || 1).toString();
  return n.padStart(6, '0');
}

function act(conn: Connection, request: Message, answer: IssuerAnswer): Promise<unknown> {
  const { response, fault } = answer;
  switch (fault?.type) {
    case 'close':
      return conn.close();
    case 'garbage':
      return conn.write(GARBAGE);
    case 'noAnswer':
      return Promise.resolve();
    case 'duplicate':
      return conn.reply(response!, { request }).then(() => conn.reply(response!, { request }));
    case 'wrongStan':
      return conn.reply(response!.set(11, otherStan(answer.decision.stan)), { request });
    default:
      return response ? conn.reply(response, { request }) : Promise.resolve();
  }
}

/**
 * The issuer on one link, as an RxJS pipeline: every inbound request is answered by the
 * simulator after its latency, concurrently (a slow rule never holds back the next request), with
 * the rule's fault applied. Responses that arrive (late or unknown) are ignored. Failures to
 * answer are emitted, never thrown: the link keeps serving.
 *
 * ```
 * conn.inbound$ ─► filter(request) ─► mergeMap(answer ─► timer(latency) ─► reply | fault)
 * ```
 *
 * @example
 * ```ts
 * server.connections$.pipe(mergeMap((conn) => issuerLink(conn, issuer))).subscribe((e) => console.error(e.error.message));
 * ```
 */
export function issuerLink(conn: Connection, issuer: IssuerSimulator): Observable<IssuerError> {
  const link: LinkState = { signedOn: false };
  return conn.inbound$.pipe(
    filter((message) => !isResponseMti(message.mti)),
    mergeMap((request) =>
      defer(() => {
        const answer = issuer.answer(request, link);
        return timer(answer.delay).pipe(mergeMap(() => act(conn, request, answer)));
      }).pipe(
        ignoreElements(),
        // A response that cannot be built or packed (a rule's field value wrong for the spec), a link gone.
        catchError((error: Error) => of<IssuerError>({ mti: request.mti, stan: textOf(request, 11), error })),
      ),
    ),
  );
}

/** Options of {@link startIssuer}: the server's options, the rules, and where to listen. */
export interface StartIssuerOptions extends ServerOptions, IssuerOptions {
  /** The rules (validated; `RuleError` when wrong). */
  rules: IssuerRules;
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Address to listen on. Default `'127.0.0.1'`. */
  host?: string;
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
  const { rules, port = 0, host = '127.0.0.1', now, random, ...serverOptions } = options;
  const simulator = new IssuerSimulator(rules, { now, random });
  const server = createServer(serverOptions);
  const errors = new Subject<IssuerError>();
  const subscription = server.connections$
    .pipe(mergeMap((conn) => issuerLink(conn, simulator)))
    .subscribe({ next: (error) => errors.next(error) });
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
