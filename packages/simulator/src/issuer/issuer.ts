import type { Message } from '@rx8583/iso8583';
import { Subject, type Observable } from 'rxjs';
import { CardAccounts } from './accounts';
import { sampleLatency } from './latency';
import { matchesRule, textOf } from './match-rule';
import { networkRequest, networkResponseCode } from './network-management';
import { validateRules, type Fault, type IssuerRules, type Rule } from './rules';

/** What the issuer does with one request. */
export interface IssuerAnswer {
  /** The response to send, or undefined for none (advice without answer, `noAnswer` fault). */
  response?: Message;
  /** Milliseconds to wait before acting (latency, or the `answerAfter` delay). */
  delay: number;
  /** The misbehaviour ordered by the rule, if any. */
  fault?: Fault;
  /** A record of the decision, for logs: never card data. */
  decision: IssuerDecision;
}

/** One decision, as `decisions$` reports it: MTI, STAN, the code, and why. No card data. */
export interface IssuerDecision {
  mti: string;
  stan?: string;
  /** Response code (39) sent, absent when nothing is answered. */
  code?: string;
  /** The rule that applied (its name, or `rule N`), `accounts`, `network management` or `default`. */
  by: string;
  /** The account's or network management's reason, e.g. `insufficient funds`. */
  reason?: string;
  fault?: Fault['type'];
}

/** Options of {@link IssuerSimulator}. */
export interface IssuerOptions {
  /** The clock for accounts' days; default the system clock. */
  now?: () => Date;
  /** Random numbers in [0, 1) for latency and `probability`; default `Math.random`. */
  random?: () => number;
}

/** What the issuer knows about the link a request came on. */
export interface LinkState {
  /** The link signed on (0800 sign-on answered) and has not signed off since. */
  signedOn: boolean;
}

/**
 * An issuer that answers by rules: the decision half of `serveIssuer`, with no I/O, so it can
 * sit behind any transport (a server link, a switch test, a NATS worker).
 *
 * @example
 * ```ts
 * const issuer = new IssuerSimulator({ rules: [{ match: { amount: { min: 100_000 } }, respond: { code: '05' } }] });
 * const { response, delay } = issuer.answer(request, { signedOn: true });
 * ```
 */
export class IssuerSimulator {
  readonly rules: IssuerRules;
  readonly accounts: CardAccounts | undefined;
  readonly #random: () => number;
  readonly #decisions = new Subject<IssuerDecision>();

  /** Every decision, as it is made. */
  readonly decisions$: Observable<IssuerDecision> = this.#decisions.asObservable();

  constructor(rules: IssuerRules, options: IssuerOptions = {}) {
    this.rules = validateRules(rules);
    this.accounts = this.rules.accounts ? new CardAccounts(this.rules.accounts, options.now) : undefined;
    this.#random = options.random ?? Math.random;
  }

  /** Decides the answer to one request (a response MTI or a message that is not a request gets none). */
  answer(request: Message, link: LinkState = { signedOn: true }): IssuerAnswer {
    const answer = this.#answer(request, link);
    this.#decisions.next(answer.decision);
    return answer;
  }

  #answer(request: Message, link: LinkState): IssuerAnswer {
    const mti = request.mti;
    const stan = textOf(request, 11);
    const rule = this.#ruleFor(request);
    const ruleName = rule ? (rule.rule.name ?? `rule ${rule.index}`) : undefined;
    const fault = rule?.rule.fault;
    const delay = fault?.type === 'answerAfter' ? fault.delay : sampleLatency(rule?.rule.latency, this.#random);
    const extra = rule?.rule.respond?.fields;
    // Objects of one fixed shape, no spreads: this runs for every request (measured: spreads here
    // cost more than building and packing the response).
    const answerWith = (code: string, by: string, reason?: string): IssuerAnswer => {
      const fields: Record<number, string> =
        extra === undefined ? { 39: code } : Object.assign({}, extra, { 39: code });
      return {
        response: request.toResponse(fields),
        delay,
        fault,
        decision: { mti, stan, code, by, reason, fault: fault?.type },
      };
    };
    if (fault?.type === 'noAnswer') {
      return {
        delay,
        fault,
        decision: { mti, stan, code: undefined, by: ruleName!, reason: undefined, fault: 'noAnswer' },
      };
    }

    const network =
      this.rules.networkManagement === false ? undefined : networkRequest(request, this.rules.networkManagement ?? {});
    if (network !== undefined && rule?.rule.respond?.code === undefined) {
      link.signedOn = network === 'signOn' ? true : network === 'signOff' ? false : link.signedOn;
      return answerWith(networkResponseCode(request, network), 'network management', network);
    }
    if (this.rules.requireSignOn && !link.signedOn) return answerWith('91', 'requireSignOn', 'link not signed on');
    if (rule?.rule.respond?.code !== undefined) return answerWith(rule.rule.respond.code, ruleName!);

    const isReversal = mti[1] === '4';
    const isAdvice = mti[2] === '2';
    const fromAccounts = isReversal
      ? this.accounts?.reverse(request)
      : !this.#authorizes(mti)
        ? undefined
        : isAdvice
          ? this.accounts?.advise(request)
          : this.accounts?.authorize(request);
    if (fromAccounts) return answerWith(fromAccounts.code, 'accounts', fromAccounts.reason);
    return answerWith(this.rules.defaultCode ?? '00', ruleName ?? 'default');
  }

  /** Authorization and financial requests and advices (x1xx, x2xx) move money. */
  #authorizes(mti: string): boolean {
    return mti[1] === '1' || mti[1] === '2';
  }

  #ruleFor(request: Message): { rule: Rule; index: number } | undefined {
    const rules = this.rules.rules ?? [];
    for (let index = 0; index < rules.length; index++) {
      const rule = rules[index]!;
      if (!matchesRule(rule.match, request)) continue;
      if (rule.probability !== undefined && this.#random() >= rule.probability) continue;
      return { rule, index };
    }
    return undefined;
  }
}
