import { BehaviorSubject, Observable, Subject } from 'rxjs';
import type { CloseInfo, ConnectionEvent, ConnectionStatus } from './types';

/**
 * What a connection tells the outside world besides messages: the `events$` stream (which
 * replays `connected` to each new subscriber while open, and `closed` once ended) and the
 * application-owned `status`.
 */
export class LinkSignals {
  readonly events$: Observable<ConnectionEvent>;
  readonly status$: Observable<ConnectionStatus>;
  private readonly events = new Subject<ConnectionEvent>();
  private readonly statusSubject = new BehaviorSubject<ConnectionStatus>('unknown');
  private closedEvent: ConnectionEvent | undefined;

  constructor(remoteAddress: string) {
    const connected: ConnectionEvent = { type: 'connected', remoteAddress };
    this.events$ = new Observable<ConnectionEvent>((subscriber) => {
      if (this.closedEvent !== undefined) {
        subscriber.next(this.closedEvent);
        subscriber.complete();
        return undefined;
      }
      subscriber.next(connected);
      return this.events.subscribe(subscriber);
    });
    this.status$ = this.statusSubject.asObservable();
  }

  emit(event: ConnectionEvent): void {
    this.events.next(event);
  }

  get status(): ConnectionStatus {
    return this.statusSubject.value;
  }

  set status(value: ConnectionStatus) {
    if (typeof value !== 'string') throw new TypeError('status must be a string');
    if (value !== this.statusSubject.value && this.closedEvent === undefined) this.statusSubject.next(value);
  }

  /** Emits the final `closed` event and completes both streams. */
  end(info: CloseInfo): void {
    this.closedEvent = { type: 'closed', ...info };
    this.events.next(this.closedEvent);
    this.events.complete();
    this.statusSubject.complete();
  }
}
