import type { Message } from '@rx8583/iso8583';
import { Subject, type Observable } from 'rxjs';
import { CardAccounts } from './accounts';
import { sampleLatency } from './latency';
import { compileMatch, textOf, type RequestTest } from './match-rule';
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
 * An answer whose `decision` is built when first read: `decisions$` reads it only while observed,
 * and a served request otherwise never needs it — measured, the issuer's allocations per request
 * are amplified by the serving process's garbage collection (~40 % of its CPU at 100 senders).
 */
class LazyAnswer implements IssuerAnswer {
  #decision: IssuerDecision | undefined;

  constructor(
    readonly response: Message | undefined,
    readonly delay: number,
    readonly fault: Fault | undefined,
    private readonly request: Message,
    private readonly code: string | undefined,
    private readonly by: string,
    private readonly reason: string | undefined,
  ) {}

  get decision(): IssuerDecision {
    if (this.#decision === undefined) {
      const { request, code, by, reason } = this;
      this.#decision = { mti: request.mti, stan: textOf(request, 11), code, by, reason, fault: this.fault?.type };
    }
    return this.#decision;
  }
}

/** A rule with its `match` compiled once (see `compileMatch`). */
interface CompiledRule {
  readonly rule: Rule;
  readonly name: string;
  readonly matches: RequestTest;
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
  readonly #compiled: readonly CompiledRule[];

  /** Every decision, as it is made. */
  readonly decisions$: Observable<IssuerDecision> = this.#decisions.asObservable();

  constructor(rules: IssuerRules, options: IssuerOptions = {}) {
    this.rules = validateRules(rules);
    this.accounts = this.rules.accounts ? new CardAccounts(this.rules.accounts, options.now) : undefined;
    this.#random = options.random ?? Math.random;
    this.#compiled = (this.rules.rules ?? []).map((rule, index) => ({
      rule,
      name: rule.name ?? `rule ${index}`,
      matches: compileMatch(rule.match),
    }));
  }

  /** Decides the answer to one request (a response MTI or a message that is not a request gets none). */
  answer(request: Message, link: LinkState = { signedOn: true }): IssuerAnswer {
    const answer = this.#answer(request, link);
    // A Subject's next costs a closure and an iterator even with nobody listening (RxJS's CommonJS build).
    if (this.#decisions.observed) this.#decisions.next(answer.decision);
    return answer;
  }

  #answer(request: Message, link: LinkState): IssuerAnswer {
    const mti = request.mti;
    const rule = this.#ruleFor(request);
    const fault = rule?.rule.fault;
    const delay = fault?.type === 'answerAfter' ? fault.delay : sampleLatency(rule?.rule.latency, this.#random);
    if (fault?.type === 'noAnswer')
      return new LazyAnswer(undefined, delay, fault, request, undefined, rule!.name, undefined);
    const ruleCode = rule?.rule.respond?.code;
    const network =
      this.rules.networkManagement === false ? undefined : networkRequest(request, this.rules.networkManagement ?? {});
    if (network !== undefined && ruleCode === undefined) {
      link.signedOn = network === 'signOn' ? true : network === 'signOff' ? false : link.signedOn;
      return this.#answerWith(
        request,
        rule,
        delay,
        networkResponseCode(request, network),
        'network management',
        network,
      );
    }
    if (this.rules.requireSignOn && !link.signedOn) {
      return this.#answerWith(request, rule, delay, '91', 'requireSignOn', 'link not signed on');
    }
    if (ruleCode !== undefined) return this.#answerWith(request, rule, delay, ruleCode, rule!.name, undefined);

    const isReversal = mti[1] === '4';
    const isAdvice = mti[2] === '2';
    const fromAccounts = isReversal
      ? this.accounts?.reverse(request)
      : !this.#authorizes(mti)
        ? undefined
        : isAdvice
          ? this.accounts?.advise(request)
          : this.accounts?.authorize(request);
    if (fromAccounts) return this.#answerWith(request, rule, delay, fromAccounts.code, 'accounts', fromAccounts.reason);
    return this.#answerWith(request, rule, delay, this.rules.defaultCode ?? '00', rule?.name ?? 'default', undefined);
  }

  /**
   * The answer `code` with the rule's fields. No spreads and no closure: this runs for every
   * request (measured: spreads here cost more than building and packing the response).
   */
  #answerWith(
    request: Message,
    rule: CompiledRule | undefined,
    delay: number,
    code: string,
    by: string,
    reason: string | undefined,
  ): IssuerAnswer {
    const extra = rule?.rule.respond?.fields;
    const fault = rule?.rule.fault;
    const fields: Record<number, string> = extra === undefined ? { 39: code } : Object.assign({}, extra, { 39: code });
    return new LazyAnswer(request.toResponse(fields), delay, fault, request, code, by, reason);
  }

  /** Authorization and financial requests and advices (x1xx, x2xx) move money. */
  #authorizes(mti: string): boolean {
    return mti[1] === '1' || mti[1] === '2';
  }

  #ruleFor(request: Message): CompiledRule | undefined {
    for (const compiled of this.#compiled) {
      if (!compiled.matches(request)) continue;
      if (compiled.rule.probability !== undefined && this.#random() >= compiled.rule.probability) continue;
      return compiled;
    }
    return undefined;
  }
}
