import { isResponseMti, type Connection, type Pool } from '@rx8583/connection';
import type { Message } from '@rx8583/iso8583';
import { EMPTY, Observable, filter, firstValueFrom, from, map, mergeMap, share } from 'rxjs';

/**
 * Where messages for a destination go: one `Connection`, a `Pool` (any of its usable links), or a
 * function that returns a connection (called for every attempt; it may dial).
 */
export type LinkTarget = Connection | Pool | (() => Promise<Connection> | Connection);

/** A target seen through what delivery needs of it. */
export interface LinkSource {
  /** A usable link now; rejects when there is none. */
  get(): Promise<Connection>;
  /** Resolves when a link may be usable again (a pool's link came up); undefined when unknowable. */
  whenUp(): Promise<void> | undefined;
  /** Responses that arrive on the target's links without a pending request (late ones). */
  readonly unmatched$: Observable<Message>;
}

/** Whether a value is a `Pool` rather than a `Connection` (pools have `connections$`, no `send`). */
export function isPool(target: unknown): target is Pool {
  return typeof target === 'object' && target !== null && 'connections$' in target && !('send' in target);
}

/** The {@link LinkSource} of a target. */
export function linkSource(target: LinkTarget): LinkSource {
  if (typeof target === 'function') {
    return { get: async () => target(), whenUp: () => undefined, unmatched$: EMPTY };
  }
  if (isPool(target)) {
    const seen = new WeakSet<Connection>();
    const unmatched$ = target.connections$.pipe(
      mergeMap((links) => from(links.filter((link) => !seen.has(link) && seen.add(link)))),
      mergeMap((link) => unmatchedResponses(link)),
      share(),
    );
    return {
      get: () => target.get(),
      whenUp: () =>
        firstValueFrom(target.connections$.pipe(filter((links) => links.length > 0)), { defaultValue: [] }).then(
          () => undefined,
        ),
      unmatched$,
    };
  }
  return {
    get: async () => target,
    whenUp: () => undefined,
    unmatched$: unmatchedResponses(target).pipe(share()),
  };
}

/**
 * Late and unknown responses arriving on one link, from its `traffic$` tap: observing them takes
 * nothing from `inbound$`, where the application still gets (and the link still holds) them.
 */
export function unmatchedResponses(link: Connection): Observable<Message> {
  return link.traffic$.pipe(
    filter((record) => record.outcome === 'unmatched' && isResponseMti(record.message?.mti)),
    map((record) => record.message!),
  );
}
