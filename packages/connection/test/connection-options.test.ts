import { filter, firstValueFrom, toArray } from 'rxjs';
import { connect, createConnection$ } from '../src/connection/create-connection';
import { ConnectError, ConnectionClosedError } from '../src/errors';
import { idlePing } from '../src/operators/idle-ping';
import { retryWithBackoff } from '../src/operators/retry-with-backoff';
import { createPool } from '../src/pool/pool';
import { createServer } from '../src/server/server';
import { linkSpec, msg, nextStan } from './support/link-spec';
import { connectClient, startIssuer } from './support/issuer';
import { Loopback } from './support/loopback';

const loop = new Loopback();
afterEach(() => loop.closeAll());

const dial = { host: '127.0.0.1', port: 8583, spec: linkSpec };

describe('misspelt and mistyped options are refused at once', () => {
  it('in connection options, with the closest known name', async () => {
    await expect(connect({ ...dial, sendTimout: 5_000 } as never)).rejects.toThrow(
      new TypeError("connect: unknown option 'sendTimout' — did you mean 'sendTimeout'?"),
    );
    expect(() => createConnection$({ ...dial, idleTimeout: 5_000 } as never)).toThrow(
      new TypeError("createConnection$: unknown option 'idleTimeout' — did you mean 'idleTime'?"),
    );
    expect(() => createConnection$({ ...dial, byteHooks: { outbund: (b: Uint8Array) => b } } as never)).toThrow(
      new TypeError("createConnection$: options.byteHooks: unknown option 'outbund' — did you mean 'outbound'?"),
    );
  });

  it('naming the type of a wrong value', async () => {
    await expect(connect({ ...dial, port: '8583' as never })).rejects.toThrow(
      new RangeError("connect: options.port must be an integer from 1 to 65535, got the string '8583'"),
    );
    await expect(connect({ ...dial, sendTimeout: '30s' as never })).rejects.toThrow(
      "connect: options.sendTimeout must be a positive number of milliseconds, got the string '30s'",
    );
    await expect(connect({ ...dial, onConnect: 'signOn' as never })).rejects.toThrow(
      new TypeError("connect: options.onConnect must be a function, got the string 'signOn'"),
    );
    await expect(connect('127.0.0.1:8583' as never)).rejects.toThrow(
      new TypeError("connect: options must be an object, got the string '127.0.0.1:8583'"),
    );
  });

  it('in server options, link options included', () => {
    expect(() => createServer({ spec: linkSpec, maxConnection: 10 } as never)).toThrow(
      new TypeError("createServer: unknown option 'maxConnection' — did you mean 'maxConnections'?"),
    );
    expect(() => createServer({ spec: linkSpec, readTimout: 10 } as never)).toThrow(/did you mean 'readTimeout'\?/);
    expect(() => createServer({ spec: linkSpec, host: '0.0.0.0' } as never)).toThrow(
      /createServer: unknown option 'host' \(known options: spec, framing, /,
    );
  });

  it('in pool and reconnect options', () => {
    const connection = () => dial;
    expect(() => createPool({ addresses: ['a:1'], connection, minConnection: 1 } as never)).toThrow(
      new TypeError("createPool: unknown option 'minConnection' — did you mean 'minConnections'?"),
    );
    expect(() => createPool({ addresses: ['a:1'], connection, reconnect: { inital: 100 } } as never)).toThrow(
      new TypeError("createPool: options.reconnect: unknown option 'inital' — did you mean 'initial'?"),
    );
  });

  it('in operator configurations', () => {
    expect(() => retryWithBackoff({ initial: 100, max: 1_000, jiter: 0.1 } as never)).toThrow(
      new TypeError("retryWithBackoff: unknown option 'jiter' — did you mean 'jitter'?"),
    );
    expect(() => idlePing({ idleTime: 5_000, sheduler: undefined } as never)).toThrow(
      new TypeError("idlePing: unknown option 'sheduler' — did you mean 'scheduler'?"),
    );
  });

  it("in a pool's connection factory: connect() fails with the configuration error instead of retrying", async () => {
    const { port } = await startIssuer(loop);
    const pool = loop.trackServer(
      createPool({
        addresses: [`127.0.0.1:${port}`],
        connection: () => ({ host: '127.0.0.1', port, spec: linkSpec, sendTimout: 1_000 }) as never,
        reconnect: { initial: 10, max: 10 },
      }),
    );
    const events = firstValueFrom(pool.events$.pipe(toArray()));
    await expect(pool.connect()).rejects.toThrow(
      new TypeError(
        `createPool: options.connection('127.0.0.1:${port}'): unknown option 'sendTimout' — did you mean 'sendTimeout'?`,
      ),
    );
    expect((await events).map((event) => event.type)).toEqual(['error', 'closed']);
  });
});

describe('signOnTimeout', () => {
  /** A host that accepts the socket and never answers the sign-on. */
  const silentHost = () => loop.rawServer(() => undefined);
  const signOn = (conn: { send(m: ReturnType<typeof msg>): Promise<unknown> }) =>
    conn.send(msg('0800', { 11: nextStan() }));

  it('fails a connect whose onConnect takes longer with ConnectError, and closes the socket', async () => {
    const { port } = await silentHost();
    const started = Date.now();
    const failure = await connect({ host: '127.0.0.1', port, spec: linkSpec, onConnect: signOn, signOnTimeout: 200 })
      .then(() => undefined)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConnectError);
    expect(failure).toMatchObject({
      code: 'SIGN_ON_TIMEOUT',
      message: expect.stringContaining('onConnect did not finish within 200 ms (signOnTimeout)'),
    });
    expect(Date.now() - started).toBeLessThan(10_000); // bounded, not the 30 s sendTimeout of the sign-on
  });

  it('defaults to the connectTimeout', async () => {
    const { port } = await silentHost();
    await expect(
      connect({ host: '127.0.0.1', port, spec: linkSpec, onConnect: signOn, connectTimeout: 300 }),
    ).rejects.toMatchObject({ code: 'SIGN_ON_TIMEOUT', message: expect.stringContaining('within 300 ms') });
  });

  it('bounds the sign-on of server links too', async () => {
    const server = loop.trackServer(
      createServer({ spec: linkSpec, signOnTimeout: 200, onConnect: (conn) => conn.send(msg('0800', { 11: '1' })) }),
    );
    const failed = firstValueFrom(server.events$.pipe(filter((event) => event.type === 'connectFailed')));
    const { port } = await server.listen(0, '127.0.0.1');
    const client = await connectClient(loop, port); // never answers the server's 0800
    expect(await failed).toMatchObject({ error: { code: 'SIGN_ON_TIMEOUT' } });
    await expect(client.closed).resolves.toMatchObject({ reason: expect.stringMatching(/peer|error/) });
  });
});

describe('close({ drainTimeout })', () => {
  it('settles what is still pending when the time is up, then closes', async () => {
    const { port } = await startIssuer(loop, () => undefined); // answers nothing
    const client = await connectClient(loop, port, { sendTimeout: 30_000 });
    const outcome = client.send(msg('0100', { 11: nextStan() })).catch((error: unknown) => error);
    await client.close({ drainTimeout: 100 });
    const error = await outcome;
    expect(error).toBeInstanceOf(ConnectionClosedError);
    expect(error).toMatchObject({ message: 'close: no response within the drainTimeout of 100 ms', written: true });
    await expect(client.closed).resolves.toEqual({ reason: 'local' });
  });

  it('is refused when misspelt or not a duration', async () => {
    const { port } = await startIssuer(loop);
    const client = await connectClient(loop, port);
    await expect(client.close({ drainTimout: 100 } as never)).rejects.toThrow(
      new TypeError("close: unknown option 'drainTimout' — did you mean 'drainTimeout'?"),
    );
    await expect(client.close({ drainTimeout: '1s' as never })).rejects.toThrow(/got the string '1s'/);
    expect(client.state).toBe('open');
  });
});
