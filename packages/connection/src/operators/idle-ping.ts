import type { OperatorFunction, SchedulerLike } from 'rxjs';
import { positiveMilliseconds } from '../milliseconds';
import { refuseUnknownKeys, requireObject, type KnownKeys } from '../option-checks';
import { quietPeriods } from './quiet-periods';

/** Configuration of {@link idlePing}. */
export interface IdlePingConfig {
  /** Milliseconds without outbound activity before a ping is due; then again every `idleTime`. */
  idleTime: number;
  /** Scheduler for the timers; a `TestScheduler` in tests. Default: the async scheduler. */
  scheduler?: SchedulerLike;
}

/**
 * Over a connection's outbound activity (one value per message written), emits when nothing was
 * written for `idleTime`, and again every `idleTime` while the link stays idle; the value counts
 * the pings of the current idle stretch (1, 2, ...). Any write restarts the count. Nothing is
 * emitted once the source completes, so a closing connection never pings on its way out.
 * A `Connection` keeps this rule itself (`idleTime`, `ping`), on the deadline queue its links
 * share; this operator is for activity streams of your own.
 *
 * @example
 * ```ts
 * written$.pipe(idlePing({ idleTime: 5_000 })).subscribe(() => void ping(conn));
 * ```
 */
export function idlePing(config: IdlePingConfig): OperatorFunction<unknown, number> {
  requireObject('idlePing', 'config', config);
  refuseUnknownKeys('idlePing', config, { idleTime: true, scheduler: true } satisfies KnownKeys<IdlePingConfig>);
  positiveMilliseconds('idlePing', 'idleTime', config.idleTime);
  const { idleTime, scheduler } = config;
  return (outbound$) => quietPeriods(outbound$, idleTime, scheduler);
}
