import { EventEmitter } from 'node:events';
import { LinkEnd } from '../src/connection/link-end';
import { WriteAck, WriteQueue, type WriteListener } from '../src/connection/write-queue';

/** A socket stand-in that records writes and accepts only while `accepting`. */
class RecordingSink extends EventEmitter {
  writes: number[][] = [];
  accepting = true;
  writableLength = 0;
  write(chunk: Uint8Array): boolean {
    this.writes.push([...chunk]);
    return this.accepting;
  }
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
/** An ack that logs its outcome. */
const ack = (log: string[], name: string): WriteAck => {
  const a = new WriteAck();
  a.promise.then(
    () => log.push(name),
    (error: Error) => log.push(`${name}: ${error.message}`),
  );
  return a;
};
const quiet: WriteListener = { written: () => undefined, blocked: () => undefined, drained: () => undefined };

/** A queue writing to a fresh sink, with its link's end. */
function setUp(listener: WriteListener = quiet) {
  const sink = new RecordingSink();
  const end = new LinkEnd();
  return { sink, end, queue: new WriteQueue(sink, listener, end) };
}

/** A queue whose socket took frame [1] and is full now (waiting for 'drain'). */
async function fullSocket() {
  const link = setUp();
  link.sink.accepting = false;
  link.queue.push(Uint8Array.of(1));
  await nextTurn();
  return link;
}

describe('WriteQueue (coalesced, backpressure-aware writes)', () => {
  it('sends the frames queued in one turn of the event loop as one write, in order', async () => {
    let activity = 0;
    const { sink, queue } = setUp({ ...quiet, written: () => activity++ });
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
    const { sink, queue } = setUp();
    for (let i = 0; i < 40; i++) queue.push(Uint8Array.of(i));
    expect(sink.writes).toEqual([Array.from({ length: 32 }, (_, i) => i)]);
    await nextTurn();
    expect(sink.writes[1]).toEqual([32, 33, 34, 35, 36, 37, 38, 39]);
  });

  it('stops writing when the socket is full and resumes on drain', async () => {
    const { sink, queue } = await fullSocket();
    expect(queue.blocked).toBe(true);
    queue.push(Uint8Array.of(2));
    queue.push(Uint8Array.of(3));
    await nextTurn();
    expect(sink.writes).toEqual([[1]]);
    expect(queue.queuedBytes).toBe(2 + 2 * 512); // each frame is charged its bookkeeping too
    sink.accepting = true;
    sink.emit('drain');
    expect(sink.writes).toEqual([[1], [2, 3]]);
    expect(queue.blocked).toBe(false);
  });

  it('settles each ack when its frame reached the socket, and counts reply bytes apart', async () => {
    const events: string[] = [];
    const listener: WriteListener = {
      written: () => events.push('written'),
      blocked: () => events.push('blocked'),
      drained: () => events.push('drained'),
    };
    const { sink, queue } = setUp(listener);
    const log: string[] = [];
    queue.push(Uint8Array.of(1), ack(log, 'first'));
    queue.push(Uint8Array.of(2, 2)); // a request: no ack
    queue.push(Uint8Array.of(3, 3, 3), ack(log, 'third'));
    // each frame is charged 512 bytes of bookkeeping besides its bytes
    expect([queue.queuedBytes, queue.replyBytes]).toEqual([6 + 3 * 512, 4 + 2 * 512]);
    sink.writableLength = 10;
    expect(queue.outboundBytes).toBe(6 + 3 * 512 + 10);
    sink.accepting = false;
    await nextTurn();
    expect(sink.writes).toEqual([[1, 2, 2, 3, 3, 3]]);
    expect([queue.queuedBytes, queue.replyBytes]).toEqual([0, 0]);
    expect(log).toEqual(['first', 'third']);
    sink.emit('drain');
    expect(events).toEqual(['blocked', 'written', 'drained']);
  });

  it('flushNow writes at once even while waiting for drain; once the link ended, drop returns the unwritten acks', async () => {
    const { sink, end, queue } = await fullSocket();
    queue.push(Uint8Array.of(2));
    queue.flushNow();
    expect(sink.writes).toEqual([[1], [2]]);
    const log: string[] = [];
    const lost = ack(log, 'lost');
    const third = queue.push(Uint8Array.of(3), lost);
    expect(queue.wasWritten(0)).toBe(true);
    expect(queue.wasWritten(third)).toBe(false);
    end.end('peer');
    expect(queue.drop()).toEqual([lost]);
    expect(queue.wasWritten(queue.push(Uint8Array.of(4)))).toBe(false);
    await nextTurn();
    expect(sink.writes).toEqual([[1], [2]]);
    expect(log).toEqual([]); // the connection fails the dropped acks with its end
  });
});
