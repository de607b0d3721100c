import { connect, createPool, createServer, type Connection, type Server } from '@rx8583/connection';
import { spec87ascii } from '@rx8583/iso8583';
import { metrics$, type MetricsSnapshot } from '@rx8583/transactions';
import { InMemorySpanExporter, SimpleSpanProcessor, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { Registry } from 'prom-client';
import { filter, firstValueFrom, share } from 'rxjs';
import { exposePrometheusMetrics } from '../src/prometheus';
import { traceSends } from '../src/opentelemetry';
import { TEST_PAN, TestHost, cardMessage, linkTo, responseTo } from './support/host';

/** The host answers by STAN: 000020 → 05, 000030 → silence, others 00. */
const byStan = (request: { get(n: number): unknown }): string | undefined => {
  const stan = String(request.get(11));
  return stan === '000030' ? undefined : stan === '000020' ? '05' : '00';
};

describe('metrics$ over real sockets', () => {
  let host: TestHost;
  let conn: Connection | undefined;
  let server: Server | undefined;

  afterEach(async () => {
    await conn?.close();
    await server?.close();
    await host?.stop();
    conn = server = undefined;
  });

  const nextSnapshot = (source: ReturnType<typeof metrics$>, predicate: (s: MetricsSnapshot) => boolean) =>
    firstValueFrom(source.pipe(filter(predicate)));

  it('counts sent, responses by code, timeouts, in flight and latency of a connection', async () => {
    host = await new TestHost(byStan).start();
    conn = await connect(linkTo(host.port));
    const snapshots = metrics$(conn, { interval: 20 });
    const done = nextSnapshot(snapshots, (s) => s.sent === 4 && s.inFlight === 0);
    const first = await firstValueFrom(snapshots);
    expect(first).toMatchObject({ links: 1, sent: 0, inFlight: 0, latency: { count: 0 } });
    // Only the silent STAN (000030) times out, after 100 ms; the answered ones may take long on a loaded
    // machine without turning into timeouts.
    const started = performance.now();
    await Promise.allSettled(
      ['000010', '000020', '000030', '000040'].map((stan) =>
        conn!.send(cardMessage('0100', stan), { timeout: stan === '000030' ? 100 : 10_000 }),
      ),
    );
    const elapsed = performance.now() - started;
    const snapshot = await done;
    expect(snapshot).toMatchObject({
      links: 1,
      sent: 4,
      responses: 3,
      timeouts: 1,
      inFlight: 0,
      errors: { timeout: 1 },
      responseCodes: { '00': 2, '05': 1 },
    });
    expect(snapshot.latency.count).toBe(3);
    expect(snapshot.latency.p50).toBeGreaterThan(0);
    expect(snapshot.latency.max).toBeGreaterThanOrEqual(snapshot.latency.p99);
    expect(snapshot.latency.max).toBeLessThanOrEqual(elapsed);
    expect(snapshot.latency.mean).toBeGreaterThanOrEqual(snapshot.latency.min);
    expect(snapshot.latency.mean).toBeLessThanOrEqual(snapshot.latency.max);
  });

  it('measures the latency of every matched response, and counts rejected requests', async () => {
    host = await new TestHost(byStan).start();
    conn = await connect(linkTo(host.port));
    const snapshots = metrics$(conn, { interval: 20 });
    const done = nextSnapshot(snapshots, (s) => s.responses === 7 && s.errors.rejected === 1);
    await firstValueFrom(snapshots);
    const started = performance.now();
    await Promise.all(
      ['000001', '000002', '000003', '000004', '000005', '000006', '000007'].map((stan) =>
        conn!.send(cardMessage('0100', stan)),
      ),
    );
    const elapsed = performance.now() - started;
    const silent = cardMessage('0100', '000030');
    const rejected = conn.send(silent).catch((error: unknown) => error);
    conn.reject(silent, 'the test declines it');
    await rejected;
    const snapshot = await done;
    expect(snapshot).toMatchObject({ sent: 8, inFlight: 0, errors: { rejected: 1 }, latency: { count: 7 } });
    expect(snapshot.latency.min).toBeGreaterThan(0);
    expect(snapshot.latency.max).toBeLessThanOrEqual(elapsed);
  });

  it('pairs two requests in flight with the same STAN (an 0100 and its 0400) each with its own response', async () => {
    host = await new TestHost(byStan).start();
    conn = await connect(linkTo(host.port));
    const snapshots = metrics$(conn, { interval: 20 });
    const done = nextSnapshot(snapshots, (s) => s.responses === 2);
    await firstValueFrom(snapshots);
    const [auth, reversal] = await Promise.all([
      conn.send(cardMessage('0100', '000020')),
      conn.send(cardMessage('0400', '000020')),
    ]);
    expect([auth.mti, reversal.mti]).toEqual(['0110', '0410']);
    expect(await done).toMatchObject({ sent: 2, inFlight: 0, timeouts: 0, latency: { count: 2 } });
  });

  it('counts a late response as unmatched, and requests pending when the link ends as linkClosed', async () => {
    host = await new TestHost(() => undefined).start();
    conn = await connect(linkTo(host.port));
    const snapshots = metrics$(conn, { interval: 20 });
    const closed = nextSnapshot(snapshots, (s) => s.links === 0 && s.errors.linkClosed === 1);
    const midway = nextSnapshot(snapshots, (s) => s.timeouts === 1 && s.inFlight === 1);
    const late = conn.send(cardMessage('0100', '000010'), { timeout: 30 }).catch(() => undefined);
    const first = await host.nth(1);
    await late;
    await first.conn.reply(responseTo(first.message, '00'));
    await nextSnapshot(snapshots, (s) => s.unmatched === 1);
    const pending = conn.send(cardMessage('0100', '000011'), { timeout: 5_000 }).catch(() => undefined);
    await host.nth(2);
    // sent: the one that timed out, and the one in flight
    expect(await midway).toMatchObject({ sent: 2, responses: 0, unmatched: 1 });
    await host.stop();
    await pending;
    expect(await closed).toMatchObject({ sent: 2, timeouts: 1, inFlight: 0, errors: { timeout: 1, linkClosed: 1 } });
  });

  it('on a server: counts what its accepted links received and replied', async () => {
    server = createServer({ spec: spec87ascii, idleTime: Infinity, readTimeout: Infinity });
    server.connections$.subscribe((link) => link.inbound$.subscribe((r) => void link.reply(responseTo(r, '00'))));
    const { port } = await server.listen(0, '127.0.0.1');
    const snapshots = metrics$(server, { interval: 20 });
    const counted = nextSnapshot(snapshots, (s) => s.replies === 3);
    const sub = snapshots.subscribe(); // start watching before the client connects
    conn = await connect(linkTo(port));
    for (const stan of ['000001', '000002', '000003']) await conn.send(cardMessage('0200', stan));
    expect(await counted).toMatchObject({ links: 1, received: 3, replies: 3, unmatched: 3, sent: 0 });
    sub.unsubscribe();
  });

  it('on a pool: follows every link, also ones that come up later', async () => {
    host = await new TestHost(byStan).start();
    const second = await new TestHost(byStan).start();
    const pool = createPool({
      addresses: [host.address, second.address],
      connection: (address) => linkTo(Number(address.split(':')[1])),
      minConnections: 2,
    });
    try {
      const snapshots = metrics$(pool, { interval: 20 });
      const counted = nextSnapshot(snapshots, (s) => s.links === 2 && s.responses === 4);
      await pool.connect();
      for (const stan of ['000004', '000005', '000006', '000007'])
        await (await pool.get()).send(cardMessage('0100', stan));
      expect(await counted).toMatchObject({ sent: 4, responseCodes: { '00': 4 } });
      expect(host.received.length + second.received.length).toBe(4);
      expect(host.received.length).toBeGreaterThan(0);
      expect(second.received.length).toBeGreaterThan(0);
    } finally {
      await pool.close();
      await second.stop();
    }
  });

  it('refuses a bad interval', () => {
    expect(() => metrics$({} as Connection, { interval: 0 })).toThrow(
      'metrics$: interval must be a positive number of milliseconds, got 0',
    );
  });
});

describe('Prometheus and OpenTelemetry adapters', () => {
  let host: TestHost;
  let conn: Connection | undefined;
  afterEach(async () => {
    await conn?.close();
    await host?.stop();
    conn = undefined;
  });

  it('exposes the snapshots as Prometheus metrics', async () => {
    host = await new TestHost(byStan).start();
    conn = await connect(linkTo(host.port));
    const registry = new Registry();
    // One shared stream: the exposure subscribes first, so it has each snapshot before the test sees it.
    const snapshots = metrics$(conn, { interval: 10 }).pipe(share());
    const exposure = exposePrometheusMetrics(snapshots, { registry, labels: { link: 'host' } });
    const counted = firstValueFrom(snapshots.pipe(filter((s) => s.responses === 2)));
    await conn.send(cardMessage('0100', '000010'));
    await conn.send(cardMessage('0100', '000020'));
    await counted;
    const text = await registry.metrics();
    exposure.close();
    expect(text).toContain('rx8583_requests_sent_total{link="host"} 2');
    expect(text).toContain('rx8583_responses_total{link="host",code="00"} 1');
    expect(text).toContain('rx8583_responses_total{link="host",code="05"} 1');
    expect(text).toContain('rx8583_in_flight{link="host"} 0');
    expect(text).toMatch(/rx8583_latency_seconds\{link="host",quantile="0.99"\} 0\.\d+/);
    expect(await registry.getMetricsAsJSON()).toEqual([]);
  });

  it('opens one span per send with MTI, STAN and outcome, and no card data', async () => {
    host = await new TestHost(byStan).start();
    conn = await connect(linkTo(host.port));
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracing = traceSends(conn, { tracer: provider.getTracer('test') });
    await conn.send(cardMessage('0100', '000020'));
    await conn.send(cardMessage('0100', '000030'), { timeout: 50 }).catch(() => undefined);
    tracing.unsubscribe();
    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => [s.name, s.attributes])).toEqual([
      [
        'ISO 8583 0100',
        {
          'iso8583.mti': '0100',
          'iso8583.stan': '000020',
          'iso8583.outcome': 'matched',
          'iso8583.response_code': '05',
        },
      ],
      ['ISO 8583 0100', { 'iso8583.mti': '0100', 'iso8583.stan': '000030', 'iso8583.outcome': 'timedOut' }],
    ]);
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain(TEST_PAN);
    await provider.shutdown();
  });
});
