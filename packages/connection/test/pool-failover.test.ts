import { createHook, executionAsyncId } from 'node:async_hooks';
import { ConnectionClosedError, NoConnectionsError, PoolClosedError } from '../src/errors';
import { createPool, type Pool } from '@rx8583/connection';
import type { Connection } from '../src/connection/types';
import { msg, nextStan } from './support/link-spec';
import { TestHost, deadPort, linkTo, nextEvent, usableWhen, testPool, fast } from './support/pool-servers';

describe('pool failover', () => {
  let hosts: TestHost[] = [];
  let pool: Pool | undefined;

  afterEach(async () => {
    await pool?.close();
    pool = undefined;
    await Promise.all(hosts.map((host) => host.stop()));
    hosts = [];
  });

  it('keeps traffic going on the other links when a server dies; only sends in flight on the dead link fail', async () => {
    hosts = await Promise.all([new TestHost().start(), new TestHost().start(), new TestHost().start()]);
    pool = testPool(
      hosts.map((h) => h.address),
      3,
    );
    await pool.connect();
    const doomed = pool.connections.find((conn) => conn.remoteAddress.endsWith(`:${hosts[0]!.port}`))!;

    const failures: Array<{ conn: Connection; error: unknown }> = [];
    let succeeded = 0;
    let afterDown = 0;
    let down = false;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        const conn = await pool!.get();
        try {
          await conn.send(msg('0100', { 11: nextStan(), 4: '000000001000' }));
          succeeded += 1;
          if (down && ++afterDown >= 300) stop = true;
        } catch (error) {
          failures.push({ conn, error });
        }
      }
    };
    const dropped = nextEvent(pool.events$, 'down').then((event) => {
      down = true;
      return event;
    });
    const workers = Array.from({ length: 20 }, worker);
    while (succeeded < 200) await pool.get().then((conn) => conn.send(msg('0800', { 11: nextStan() })));
    await hosts[0]!.stop();
    expect((await dropped).index).toBe(0);
    await Promise.all(workers);

    expect(pool.isDegraded()).toBe(true);
    expect(pool.isUp()).toBe(true);
    expect(pool.connections).toHaveLength(2);
    expect(pool.connections).not.toContain(doomed);
    // Only sends on the link that went down failed, and only because it went down.
    const unexpected = failures.filter((f) => f.conn !== doomed || !(f.error instanceof ConnectionClosedError));
    expect(unexpected).toEqual([]);
  });

  it('brings the pool back to full within the backoff when the server returns on the same port', async () => {
    hosts = await Promise.all([new TestHost().start(), new TestHost().start()]);
    pool = testPool(
      hosts.map((h) => h.address),
      2,
    );
    await pool.connect();
    const degraded = usableWhen(pool, (links) => links.length === 1);
    await hosts[1]!.stop();
    await degraded;
    await nextEvent(pool.events$, 'retry', (event) => event.index === 1 && event.attempt >= 2); // refused at least once
    await hosts[1]!.start();
    const waitsAfterRestart: number[] = [];
    const watch = pool.events$.subscribe(
      (event) => void (event.type === 'retry' && event.index === 1 && waitsAfterRestart.push(event.delay)),
    );
    const full = await usableWhen(pool, (links) => links.length === 2);
    watch.unsubscribe();
    // Counted in backoff waits rather than wall-clock time, so a loaded machine cannot fail it: the
    // wait under way when the host came back (at most max + 20 % = 120 ms) ends in a dial that
    // succeeds; at most one more wait, after a dial that was already refused.
    expect(waitsAfterRestart.length).toBeLessThanOrEqual(1);
    expect(waitsAfterRestart.filter((wait) => wait > 120)).toEqual([]);
    expect(pool.isDegraded()).toBe(false);
    const response = await full
      .find((conn) => conn.remoteAddress.endsWith(`:${hosts[1]!.port}`))!
      .send(msg('0800', { 11: nextStan() }));
    expect(response.get(39)).toBe('00');
  });

  it('rejects connect() naming each failed address when minConnections cannot be met, and closes what it opened', async () => {
    hosts = await Promise.all([new TestHost().start(), new TestHost().start()]);
    const dead = `127.0.0.1:${await deadPort()}`;
    pool = createPool({
      addresses: [hosts[0]!.address, hosts[1]!.address, dead],
      // The dead address is dialled only once the two good links are up, so they are surely opened.
      connection: async (address) => {
        if (address === dead) await twoUp;
        return linkTo(address);
      },
      minConnections: 3,
      reconnect: fast,
    });
    const twoUp = nextEvent(pool.events$, 'up').then(() => nextEvent(pool!.events$, 'up'));
    const failure = await pool.connect().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(NoConnectionsError);
    expect((failure as Error).message).toMatch(
      new RegExp(`^pool needs 3 connections, established 2; failed: ${dead} \\(.*ECONNREFUSED`),
    );
    expect((failure as NoConnectionsError).failures.map((f) => f.address)).toEqual([dead]);
    const serverSide = (await Promise.all(hosts.map((h) => h.whenAccepted(1)))).flat();
    await Promise.all(serverSide.map((conn) => conn.closed));
    expect(hosts.map((h) => h.connectionCount)).toEqual([0, 0]);
    await expect(pool.get()).rejects.toBeInstanceOf(PoolClosedError);
  });

  it('with minConnections 0, resolves at once and connects in the background', async () => {
    const port = await deadPort();
    pool = testPool([`127.0.0.1:${port}`], 0);
    const refused = nextEvent(pool.events$, 'retry');
    await pool.connect();
    expect(pool.isUp()).toBe(false);
    expect((await refused).error).toBeInstanceOf(Error);
    hosts = [await new TestHost().start(port)];
    const up = await nextEvent(pool.events$, 'up');
    expect(up.address).toBe(`127.0.0.1:${port}`);
    expect(pool.isUp()).toBe(true);
  });

  it('keeps the loop going when the options factory fails', async () => {
    hosts = [await new TestHost().start()];
    let calls = 0;
    pool = createPool({
      addresses: [hosts[0]!.address],
      connection: (address) => {
        calls += 1;
        if (calls <= 2) throw new Error('vault unreachable');
        return linkTo(address);
      },
      minConnections: 0,
      reconnect: fast,
    });
    const retries: unknown[] = [];
    pool.events$.subscribe((event) => event.type === 'retry' && retries.push(event.error));
    const up = nextEvent(pool.events$, 'up');
    await pool.connect();
    await up;
    expect(calls).toBe(3);
    expect(retries).toEqual([new Error('vault unreachable'), new Error('vault unreachable')]);
  });

  it('close() while waiting to retry leaves no timer and no socket behind', async () => {
    const addresses = [`127.0.0.1:${await deadPort()}`, `127.0.0.1:${await deadPort()}`];
    // Tracks every timer and TCP handle this test's own work creates from here on, as Jest's
    // --detectOpenHandles does: resources whose trigger chain starts here. Not everything in the
    // process: run in band, Jest's reporter ticks a status timer of its own in it while a test is slow.
    const open = new Map<number, string>();
    const ours = new Set([executionAsyncId()]);
    const tracker = createHook({
      init: (id, type, triggerId) => {
        if (!ours.has(triggerId)) return;
        ours.add(id);
        if (type === 'Timeout' || type.startsWith('TCP')) open.set(id, type);
      },
      destroy: (id) => void open.delete(id),
    }).enable();
    try {
      pool = createPool({
        addresses,
        connection: (a) => linkTo(a),
        minConnections: 0,
        reconnect: { initial: 60_000, max: 60_000, jitter: 0 },
      });
      const waiting = nextEvent(pool.events$, 'retry', (event) => event.index === 1);
      await pool.connect();
      await waiting;
      expect([...open.values()]).toContain('Timeout'); // the retry waits are armed
      await pool.close();
      // Closed handles are destroyed at the end of the loop turn that closed them.
      for (let turn = 0; turn < 10 && open.size > 0; turn++) await new Promise((resolve) => setImmediate(resolve));
      expect([...open.values()]).toEqual([]);
    } finally {
      tracker.disable();
    }
  });

  it('close() during a sign-on cancels it: connect() rejects and the half-open socket is closed', async () => {
    hosts = [await new TestHost().start()];
    pool = createPool({
      addresses: [hosts[0]!.address],
      connection: (a) => linkTo(a, { onConnect: () => new Promise(() => undefined) }),
      minConnections: 1,
      reconnect: fast,
    });
    const connecting = pool.connect();
    const [serverSide] = await hosts[0]!.whenAccepted(1);
    await pool.close();
    await expect(connecting).rejects.toBeInstanceOf(PoolClosedError);
    await serverSide!.closed;
    expect(hosts[0]!.connectionCount).toBe(0);
  });
});
