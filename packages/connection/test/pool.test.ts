import { inspect } from 'node:util';
import { lastValueFrom, toArray } from 'rxjs';
import { NoConnectionsError, PoolClosedError } from '../src/errors';
import { createPool, type Pool, type PoolEvent } from '@rx8583/connection';
import type { Connection } from '../src/connection/types';
import { msg, nextStan } from './support/link-spec';
import { TestHost, deadPort, linkTo, usableWhen, testPool, fast } from './support/pool-servers';

describe('pool over three servers', () => {
  let hosts: TestHost[];
  let pool: Pool | undefined;

  beforeEach(async () => {
    hosts = await Promise.all([new TestHost().start(), new TestHost().start(), new TestHost().start()]);
  });

  afterEach(async () => {
    await pool?.close();
    pool = undefined;
    await Promise.all(hosts.map((host) => host.stop()));
  });

  const portOf = (conn: Connection) => Number(conn.remoteAddress.split(':').pop());

  it('connects to every address and hands links out round-robin', async () => {
    pool = testPool(
      hosts.map((h) => h.address),
      3,
    );
    await pool.connect();
    expect(pool.isUp()).toBe(true);
    expect(pool.isDegraded()).toBe(false);
    const picks = await Promise.all(Array.from({ length: 6 }, () => pool!.get()));
    expect(new Set(picks).size).toBe(3);
    expect(picks.slice(0, 3)).toEqual(picks.slice(3));
    expect(picks.map(portOf).sort()).toEqual([...hosts, ...hosts].map((h) => h.port).sort());
    const responses = await Promise.all(picks.map((conn) => conn.send(msg('0800', { 11: nextStan() }))));
    expect(responses.map((r) => r.get(39))).toEqual(Array(6).fill('00'));
  });

  it('inspect, String() and toJSON show addresses and states, never links, options or messages', async () => {
    const up = hosts[0]!.address;
    const down = `127.0.0.1:${await deadPort()}`;
    pool = testPool([up, down], 1);
    const idle = {
      state: 'idle',
      up: 0,
      links: [
        { address: up, up: false },
        { address: down, up: false },
      ],
    };
    expect(pool.toJSON()).toEqual(idle);
    await pool.connect();
    const degraded = {
      state: 'degraded',
      up: 1,
      links: [
        { address: up, up: true },
        { address: down, up: false },
      ],
    };
    expect(pool.toJSON()).toEqual(degraded);
    expect(JSON.parse(JSON.stringify(pool))).toEqual(degraded);
    expect(String(pool)).toBe('Pool(1/2 up, degraded)');
    const shown = inspect(pool, { depth: 8 });
    expect(shown).toBe(`Pool ${inspect(degraded)}`);
    expect(shown).not.toMatch(/spec|Buffer|Connection/);
    await pool.close();
    expect(pool.toJSON().state).toBe('closed');
  });

  it('opens one link per entry when an address repeats', async () => {
    const address = hosts[0]!.address;
    pool = testPool([address, address], 2);
    await pool.connect();
    const [a, b, c] = await Promise.all([pool.get(), pool.get(), pool.get()]);
    expect(a).not.toBe(b);
    expect(c).toBe(a);
    expect(await hosts[0]!.whenAccepted(2)).toHaveLength(2);
    expect(pool.isDegraded()).toBe(false);
  });

  it('never hands out a link that is closing', async () => {
    let signOff: Promise<void> | undefined;
    pool = createPool({
      addresses: hosts.map((h) => h.address),
      connection: (a) => linkTo(a, { onClose: () => signOff }),
      minConnections: 3,
      reconnect: fast,
    });
    await pool.connect();
    let finishSignOff!: () => void;
    signOff = new Promise((resolve) => (finishSignOff = resolve));
    const victim = pool.connections[0]!;
    const published: (readonly Connection[])[] = [];
    const watch = pool.connections$.subscribe((links) => published.push(links));
    const closing = victim.close(); // held in its sign-off until the test lets it finish
    try {
      expect(victim.state).toBe('closing');
      // connections$ drops the link when its close begins, not when the socket is gone.
      expect(published.at(-1)).toHaveLength(2);
      expect(published.at(-1)).not.toContain(victim);
      const picks = await Promise.all(Array.from({ length: 6 }, () => pool!.get()));
      expect(picks).not.toContain(victim);
      expect(pool.connections).not.toContain(victim);
      expect(pool.isDegraded()).toBe(true);
    } finally {
      watch.unsubscribe();
      signOff = undefined;
      finishSignOff();
      await closing;
    }
  });

  it('routes a key to the same link every time, and keeps other keys in place when a link goes', async () => {
    pool = testPool(
      hosts.map((h) => h.address),
      3,
    );
    await pool.connect();
    const keys = Array.from({ length: 30 }, (_, i) => `TERM${i}`);
    const first = await Promise.all(keys.map((key) => pool!.get({ key })));
    const again = await Promise.all(keys.map((key) => pool!.get({ key })));
    expect(again).toEqual(first);
    expect(new Set(first).size).toBe(3); // 30 keys spread over all three links

    const victim = first[0]!;
    await victim.close(); // the pool redials it later; meanwhile its keys move, the others stay
    const moved = await Promise.all(keys.map((key) => pool!.get({ key })));
    keys.forEach((_, i) => {
      if (first[i] === victim) expect(moved[i]).not.toBe(victim);
      else expect(moved[i]).toBe(first[i]);
    });
  });

  it('hands out only links that pass the filter (signed on), and follows status changes', async () => {
    const declining = new TestHost((request) => (request.mti === '0800' ? '91' : '00'));
    await hosts[1]!.stop();
    hosts[1] = await declining.start();
    const signOn = async (conn: Connection) => {
      const response = await conn.send(msg('0800', { 11: nextStan(), 63: 'SIGNON' }));
      conn.status = response.get(39) === '00' ? 'online' : 'offline';
    };
    pool = createPool({
      addresses: hosts.map((h) => h.address),
      connection: (a) => linkTo(a, { onConnect: signOn }),
      minConnections: 3,
      reconnect: fast,
      filter: (conn) => conn.status === 'online',
    });
    await pool.connect();
    const usable = pool.connections;
    expect(usable).toHaveLength(2);
    expect(usable.map(portOf).sort()).toEqual([hosts[0]!.port, hosts[2]!.port].sort());
    expect(pool.isDegraded()).toBe(true);
    // Round-robin stays even over the usable links while degraded: each of the two, every other turn.
    const picks: Connection[] = [];
    for (let i = 0; i < 6; i++) picks.push(await pool.get());
    expect(picks.map(portOf)).toEqual([0, 1, 2, 3, 4, 5].map((i) => portOf(usable[i % 2]!)));

    const emptied = usableWhen(pool, (links) => links.length === 0);
    for (const conn of usable) conn.status = 'offline';
    await emptied;
    expect(pool.isUp()).toBe(false);
    await expect(pool.get()).rejects.toThrow(
      new NoConnectionsError('no usable connection in the pool of 3 (3 up, none passing the filter)'),
    );
  });

  it('a filter that throws makes that link unusable and is reported, the others served', async () => {
    const broken = hosts[1]!.port;
    pool = testPool(
      hosts.map((h) => h.address),
      3,
      {
        filter: (conn) => {
          if (portOf(conn) === broken) throw new Error('filter bug');
          return true;
        },
      },
    );
    const errors: PoolEvent[] = [];
    pool.events$.subscribe((event) => void (event.type === 'error' && errors.push(event)));
    await pool.connect();
    const picks = await Promise.all(Array.from({ length: 4 }, () => pool!.get()));
    expect(picks.map(portOf).sort()).toEqual([hosts[0]!.port, hosts[0]!.port, hosts[2]!.port, hosts[2]!.port].sort());
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ type: 'error', error: new Error('filter bug'), index: 1 });
  });

  it('close() signs off every link, leaves no connection, and is idempotent', async () => {
    const signOff = (conn: Connection) => conn.send(msg('0800', { 11: nextStan(), 63: 'SIGNOFF' }));
    pool = createPool({
      addresses: hosts.map((h) => h.address),
      connection: (a) => linkTo(a, { onClose: signOff }),
      minConnections: 3,
      reconnect: fast,
    });
    const events = lastValueFrom(pool.events$.pipe(toArray()));
    const sets = lastValueFrom(pool.connections$.pipe(toArray()));
    await pool.connect();
    const serverSide = (await Promise.all(hosts.map((h) => h.whenAccepted(1)))).flat();
    const closing = pool.close();
    expect(pool.close()).toBe(closing);
    await closing;
    expect(hosts.map((h) => h.received)).toEqual([['0800'], ['0800'], ['0800']]);
    const seen = await events;
    expect(
      seen.filter((e) => e.type === 'down').map((e) => (e as Extract<PoolEvent, { type: 'down' }>).reason),
    ).toEqual(['local', 'local', 'local']);
    expect(seen.at(-1)).toEqual({ type: 'closed' });
    expect((await sets).at(-1)).toEqual([]);
    await expect(pool.get()).rejects.toBeInstanceOf(PoolClosedError);
    await expect(pool.connect()).rejects.toThrow('pool is closed');
    expect(pool.isUp()).toBe(false);
    // Every server-side end sees its client go: nothing is left open behind the pool.
    await Promise.all(serverSide.map((conn) => conn.closed));
    expect(hosts.map((h) => h.connectionCount)).toEqual([0, 0, 0]);
  });
});

describe('pool without servers', () => {
  let pool: Pool | undefined;

  afterEach(async () => {
    await pool?.close();
    pool = undefined;
  });

  it('rejects get() before any link is up', async () => {
    pool = createPool({
      addresses: [`127.0.0.1:${await deadPort()}`],
      connection: (a) => linkTo(a),
      minConnections: 0,
    });
    await expect(pool.get()).rejects.toThrow(
      new NoConnectionsError('no usable connection in the pool of 1 (none is up)'),
    );
  });

  it('rejects a routing key that is neither a string nor a number', async () => {
    pool = createPool({
      addresses: [`127.0.0.1:${await deadPort()}`],
      connection: (a) => linkTo(a),
      minConnections: 0,
    });
    await expect(pool.get({ key: { terminal: 'T1' } as never })).rejects.toThrow(
      'pool.get: options.key must be a string or a number',
    );
    await expect(pool.get(null as never)).rejects.toBeInstanceOf(NoConnectionsError);
  });

  it('validates its options up front', () => {
    const base = { addresses: ['127.0.0.1:1'], connection: (a: string) => linkTo(a) };
    expect(() => createPool({ ...base, addresses: [] })).toThrow(
      'createPool: options.addresses must be a non-empty array of addresses',
    );
    expect(() => createPool({ ...base, addresses: [''] })).toThrow(
      'createPool: options.addresses[0] must be a non-empty string',
    );
    expect(() => createPool({ ...base, connection: undefined as never })).toThrow(TypeError);
    expect(() => createPool({ ...base, minConnections: 2 })).toThrow(
      'createPool: options.minConnections must be an integer from 0 to 1 (the number of addresses), got the number 2',
    );
    expect(() => createPool({ ...base, reconnect: { initial: 100, max: 10 } })).toThrow(
      'createPool: options.reconnect: max must be a number of milliseconds no less than initial (100), got the number 10',
    );
    expect(() => createPool({ ...base, filter: 'online' as never })).toThrow(TypeError);
  });
});
