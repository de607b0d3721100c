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
});
