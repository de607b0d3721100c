import { RoutingError } from '../errors';
import { readPanCondition } from '../issuer/rules';
import { readDocument, type JsonReader } from '../json-reader';

/**
 * How a switch routes, as plain data (a JSON file or a TypeScript object).
 *
 * @example
 * ```ts
 * const routing: Routing = {
 *   issuers: { visa: { addresses: ['10.0.0.5:8583'] }, mc: { addresses: ['10.0.0.6:8583', '10.0.0.7:8583'] } },
 *   routes: [
 *     { pan: ['4'], issuer: 'visa', standIn: { floorLimit: 5_000 } },
 *     { pan: [{ from: '510000', to: '559999' }], issuer: 'mc' },
 *   ],
 *   legTimeout: 5_000,
 * };
 * ```
 */
export interface Routing {
  /** The issuers by name: where their links go. */
  issuers: Record<string, IssuerLinks>;
  /** Checked in order: the first route whose `pan` condition holds takes the request. */
  routes: Route[];
  /** Milliseconds an issuer leg waits for its response before it is reversed and stand-in answers. Default 10 000. */
  legTimeout?: number;
  /** The switch's institution id, written in field 33 (forwarding institution) of every issuer leg. Default: 33 untouched. */
  institution?: string;
  /** Waits between redials of an issuer link, in ms. Default `{ initial: 500, max: 10_000 }`. */
  reconnect?: { initial?: number; max?: number };
  /** Store-and-forward of advices and reversals to the issuers. */
  storeAndForward?: StoreAndForwardConfig;
}

/** One issuer: its links (a pool), and whether each link signs on. */
export interface IssuerLinks {
  /** `host:port` of each link; repeat an address for several links to one host. */
  addresses: string[];
  /** Send an 0800 sign-on (70 = 001) on every new link and route only over signed-on links. Default false. */
  signOn?: boolean;
}

/** A BIN range and the issuer that owns it. */
export interface Route {
  /** PAN prefixes (BINs) or inclusive ranges `{ from, to }` over the PAN's first digits. */
  pan: Array<string | { from: string; to: string }>;
  /** The name of an issuer in `issuers`. */
  issuer: string;
  /** What the switch answers while the issuer cannot: absent = 91 (issuer inoperative). */
  standIn?: StandInRules;
}

/** The switch's stand-in decisions for a route. Amounts in minor units. */
export interface StandInRules {
  /** Approve up to and including this amount (4); decline above it. */
  floorLimit: number;
  /** Response code of a decline above the floor limit. Default `'05'`. */
  declineCode?: string;
  /**
   * Response code for a request carrying a PIN block (52), which the switch cannot verify and so
   * never approves. Default `'91'`.
   */
  pinCode?: string;
}

/** Where the advices and reversals for issuers are kept until delivered. */
export interface StoreAndForwardConfig {
  /** The journal file. Default: a file in a fresh temporary folder (lost with the process). */
  journal?: string;
  /**
   * AES key (32, 48 or 64 hex digits) the PANs in the journal are encrypted with. Default: a key
   * made at start (entries left in the journal cannot be read after a restart).
   */
  key?: string;
  /** Waits between delivery attempts, in ms. Default `{ initial: 1_000, max: 30_000 }`. */
  retry?: { initial?: number; max?: number };
  /** Milliseconds each attempt waits for the issuer's response. Default 10 000. */
  responseTimeout?: number;
}

const errorAt = (path: string, message: string) => new RoutingError(path, message);
const ms = (r: JsonReader) => r.number({ min: 1, what: 'a number of milliseconds ≥ 1' });
const CODE = /^[0-9A-Za-z]{2}$/;

function readBackoff(r: JsonReader): { initial?: number; max?: number } {
  r.object(['initial', 'max']);
  return { initial: r.optional('initial', ms), max: r.optional('max', ms) };
}

/**
 * Checks a routing document and returns it typed; `RoutingError` names the place:
 * `routing.routes[1].issuer names no issuer ('amex'); issuers: visa, mc`.
 *
 * @example
 * ```ts
 * const routing = validateRouting(JSON.parse(readFileSync('routing.json', 'utf8')));
 * ```
 */
export function validateRouting(document: unknown): Routing {
  const root = readDocument(document, errorAt, 'routing');
  root.object(['issuers', 'routes', 'legTimeout', 'institution', 'reconnect', 'storeAndForward']);
  const issuersReader = root.child('issuers');
  const issuers: Record<string, IssuerLinks> = {};
  for (const name of issuersReader.keys()) {
    const i = issuersReader.child(name);
    i.object(['addresses', 'signOn']);
    const addresses = i
      .child('addresses')
      .array()
      .map((a) => a.string(/^.+:\d{1,5}$/, 'host:port'));
    if (addresses.length === 0) i.child('addresses').fail('must list at least one host:port');
    issuers[name] = { addresses, signOn: i.optional('signOn', (s) => s.boolean()) ?? false };
  }
  if (Object.keys(issuers).length === 0) issuersReader.fail('must name at least one issuer');
  const routes = root
    .child('routes')
    .array()
    .map((r): Route => {
      r.object(['pan', 'issuer', 'standIn']);
      const issuer = r.child('issuer').string();
      if (!issuers[issuer]) {
        r.child('issuer').fail(`names no issuer ('${issuer}'); issuers: ${Object.keys(issuers).join(', ')}`);
      }
      const pan = r.child('pan').array().map(readPanCondition);
      if (pan.length === 0) r.child('pan').fail('must list at least one BIN or range');
      const route: Route = { pan, issuer };
      if (r.has('standIn')) {
        const s = r.child('standIn');
        s.object(['floorLimit', 'declineCode', 'pinCode']);
        route.standIn = {
          floorLimit: s.child('floorLimit').number({ min: 0, integer: true, what: 'an integer ≥ 0 (minor units)' }),
          declineCode: s.optional('declineCode', (c) => c.string(CODE, 'a 2-character response code')) ?? '05',
          pinCode: s.optional('pinCode', (c) => c.string(CODE, 'a 2-character response code')) ?? '91',
        };
      }
      return route;
    });
  const routing: Routing = { issuers, routes };
  if (root.has('legTimeout')) routing.legTimeout = ms(root.child('legTimeout'));
  if (root.has('institution')) routing.institution = root.child('institution').string(/^\d{1,11}$/, '1–11 digits');
  if (root.has('reconnect')) routing.reconnect = readBackoff(root.child('reconnect'));
  if (root.has('storeAndForward')) {
    const s = root.child('storeAndForward');
    s.object(['journal', 'key', 'retry', 'responseTimeout']);
    routing.storeAndForward = {
      journal: s.optional('journal', (j) => j.string()),
      key: s.optional('key', (k) =>
        k.string(/^([0-9a-fA-F]{32}|[0-9a-fA-F]{48}|[0-9a-fA-F]{64})$/, '32, 48 or 64 hex digits'),
      ),
      retry: s.optional('retry', readBackoff),
      responseTimeout: s.optional('responseTimeout', ms),
    };
  }
  return routing;
}
