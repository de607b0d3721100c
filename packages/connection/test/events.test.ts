import { ConnectionSignals, type ConnectionEvent } from '../src/connection/events';
import { LinkEnd } from '../src/connection/link-end';

describe('ConnectionSignals', () => {
  it('status$ starts from the status set before anyone subscribed, and emits each change', () => {
    const signals = new ConnectionSignals('127.0.0.1:1', new LinkEnd());
    signals.status = 'offline';
    const seen: string[] = [];
    signals.status$.subscribe((status) => seen.push(status));
    signals.status = 'online';
    signals.status = 'online';
    expect(seen).toEqual(['offline', 'online']);
    expect(() => (signals.status = 1 as never)).toThrow(new TypeError('status must be a string'));
  });

  it('events$ replays connected to each subscriber; once the link is gone, closed and completion', () => {
    const end = new LinkEnd();
    const signals = new ConnectionSignals('127.0.0.1:1', end);
    signals.emit({ type: 'ping' }); // nobody listens yet: not held
    const live: ConnectionEvent[] = [];
    signals.events$.subscribe((event) => live.push(event));
    signals.emit({ type: 'ping' });
    end.end('peer');
    end.gone();
    signals.finish();
    expect(live).toEqual([
      { type: 'connected', remoteAddress: '127.0.0.1:1' },
      { type: 'ping' },
      { type: 'closed', reason: 'peer' },
    ]);
    const late: ConnectionEvent[] = [];
    let completed = false;
    signals.events$.subscribe({ next: (event) => late.push(event), complete: () => (completed = true) });
    expect(late).toEqual([{ type: 'closed', reason: 'peer' }]);
    expect(completed).toBe(true);
  });

  it('status$ subscribed after the link is gone completes without a value; status stays as it was', () => {
    const end = new LinkEnd();
    const signals = new ConnectionSignals('127.0.0.1:1', end);
    signals.status = 'online';
    end.end('local');
    end.gone();
    signals.finish();
    signals.status = 'offline';
    const seen: string[] = [];
    let completed = false;
    signals.status$.subscribe({ next: (status) => seen.push(status), complete: () => (completed = true) });
    expect(seen).toEqual([]);
    expect(completed).toBe(true);
    expect(signals.status).toBe('online');
  });

  it('status$ hands a change made while the current status is handed over to the same subscriber, and completes when the link is gone', () => {
    const end = new LinkEnd();
    const signals = new ConnectionSignals('127.0.0.1:1', end);
    const seen: string[] = [];
    let completed = false;
    signals.status$.subscribe({
      next: (status) => {
        seen.push(status);
        if (status === 'unknown') signals.status = 'online'; // e.g. a host that marks a link at first sight
      },
      complete: () => (completed = true),
    });
    end.end('peer');
    end.gone();
    signals.finish();
    expect(seen).toEqual(['unknown', 'online']);
    expect(completed).toBe(true);
  });

  it('an unsubscribed events$ or status$ subscriber hears nothing more', () => {
    const signals = new ConnectionSignals('127.0.0.1:1', new LinkEnd());
    const events: string[] = [];
    const statuses: string[] = [];
    const eventSubscription = signals.events$.subscribe((event) => events.push(event.type));
    const statusSubscription = signals.status$.subscribe((status) => statuses.push(status));
    eventSubscription.unsubscribe();
    statusSubscription.unsubscribe();
    signals.emit({ type: 'ping' });
    signals.status = 'online';
    expect(events).toEqual(['connected']);
    expect(statuses).toEqual(['unknown']);
  });
});
