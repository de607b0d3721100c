import { type Observable, Subscription } from 'rxjs';
import { idlePing } from '../operators/idle-ping';
import { readTimeout } from '../operators/read-timeout';

/** When a link is idle or silent for too long, and what to do then. */
export interface LinkTimerConfig {
  /** Milliseconds without outbound activity before `onIdle`; `Infinity` = never. */
  idleTime: number;
  /** Called when idle, again every `idleTime` while it stays idle; absent = no idle watch. */
  onIdle: (() => void) | undefined;
  /** Milliseconds without inbound activity before `onSilence`; `Infinity` = never. */
  readTimeout: number;
  /** Called each time the peer was silent for `readTimeout`. */
  onSilence: () => void;
}

/**
 * Watches a link's activity: `written$` (one value per socket write) for idle pings, `received$`
 * (one value per chunk read) for read timeouts. Unsubscribing stops both at once — a closing
 * connection never pings on its way out.
 */
export function watchLinkActivity(
  written$: Observable<unknown>,
  received$: Observable<unknown>,
  config: LinkTimerConfig,
): Subscription {
  const watching = new Subscription();
  const { idleTime, onIdle, readTimeout: silence, onSilence } = config;
  if (onIdle !== undefined && idleTime !== Infinity) {
    watching.add(written$.pipe(idlePing({ idleTime })).subscribe(() => onIdle()));
  }
  if (silence !== Infinity) {
    watching.add(received$.pipe(readTimeout({ timeout: silence })).subscribe(() => onSilence()));
  }
  return watching;
}
