import { EventEmitter } from 'node:events';
import { LinkEnd } from '../src/connection/link-end';
import { WriteQueue, type WriteTicket } from '../src/connection/write-queue';

/** A socket stand-in that records writes and accepts only while `accepting`. */
class RecordingSink extends EventEmitter {
  writes: number[][] = [];
  accepting = true;
  write(chunk: Uint8Array): boolean {
    this.writes.push([...chunk]);
    return this.accepting;
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const ticket = (log: string[], name: string): WriteTicket => ({ cancelled: false, written: () => log.push(name) });

describe('WriteQueue (coalesced, backpressure-aware writes)', () => {
  it('sends the frames queued in one turn of the event loop as one write, in order', async () => {
    const sink = new RecordingSink();
    let activity = 0;
    const queue = new WriteQueue(sink, () => activity++, new LinkEnd());
    queue.push(Uint8Array.of(1, 2));
    queue.push(Uint8Array.of(3));
    queue.push(Uint8Array.of(4, 5));
    expect(sink.writes).toEqual([]);
    await nextTurn();
    expect(sink.writes).toEqual([[1, 2, 3, 4, 5]]);
    expect(activity).toBe(1);
    queue.push(Uint8Array.of(6));
    await nextTurn();
    expect(sink.writes).toEqual([[1, 2, 3, 4, 5], [6]]);
  });

  it('writes a batch at once when 32 frames are queued, so the peer can start on it', async () => {
    const sink = new RecordingSink();
    const end = new LinkEnd();
    const queue = new WriteQueue(sink, () => undefined, end);
    for (let i = 0; i < 40; i++) queue.push(Uint8Array.of(i));
    expect(sink.writes).toEqual([Array.from({ length: 32 }, (_, i) => i)]);
    await nextTurn();
    expect(sink.writes[1]).toEqual([32, 33, 34, 35, 36, 37, 38, 39]);
  });

  it('stops writing when the socket is full and resumes on drain', async () => {
    const sink = new RecordingSink();
    const end = new LinkEnd();
    const queue = new WriteQueue(sink, () => undefined, end);
    sink.accepting = false;
    queue.push(Uint8Array.of(1));
    await nextTurn();
    expect(queue.blocked).toBe(true);
    queue.push(Uint8Array.of(2));
    queue.push(Uint8Array.of(3));
    await nextTurn();
    expect(sink.writes).toEqual([[1]]);
    expect(queue.queuedBytes).toBe(2);
    sink.accepting = true;
    sink.emit('drain');
    expect(sink.writes).toEqual([[1], [2, 3]]);
    expect(queue.blocked).toBe(false);
  });

  it('tells each ticket when its frame reached the socket, and skips cancelled ones', async () => {
    const sink = new RecordingSink();
    const end = new LinkEnd();
    const queue = new WriteQueue(sink, () => undefined, end);
    const log: string[] = [];
    const gaveUp = ticket(log, 'cancelled');
    queue.push(Uint8Array.of(1), ticket(log, 'first'));
    queue.push(Uint8Array.of(2), gaveUp);
    queue.push(Uint8Array.of(3), ticket(log, 'third'));
    gaveUp.cancelled = true;
    await nextTurn();
    expect(sink.writes).toEqual([[1, 3]]);
    expect(log).toEqual(['first', 'third']);
  });

  it('flushNow writes at once even while waiting for drain; once the link ended, drop returns unwritten tickets', async () => {
    const sink = new RecordingSink();
    const end = new LinkEnd();
    const queue = new WriteQueue(sink, () => undefined, end);
    sink.accepting = false;
    queue.push(Uint8Array.of(1));
    await nextTurn();
    queue.push(Uint8Array.of(2));
    queue.flushNow();
    expect(sink.writes).toEqual([[1], [2]]);
    const log: string[] = [];
    const lost = ticket(log, 'lost');
    const third = queue.push(Uint8Array.of(3), lost);
    expect(queue.wasWritten(0)).toBe(true);
    expect(queue.wasWritten(third)).toBe(false);
    end.end('peer');
    expect(queue.drop()).toEqual([lost]);
    expect(queue.wasWritten(queue.push(Uint8Array.of(4)))).toBe(false);
    await nextTurn();
    expect(sink.writes).toEqual([[1], [2]]);
    expect(log).toEqual([]);
  });
});
