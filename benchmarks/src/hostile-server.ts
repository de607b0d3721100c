/**
 * The server under attack in `pnpm hostile`: a child process running one rx8583 server with the
 * options it is given, answering 0800 echoes, and sampling its own memory (heapUsed + external,
 * and RSS) every 20 ms so the parent can ask for the peak. In `peer` mode it also sends requests
 * of its own, flat out, on every link it accepts (attack e).
 *
 *   fork('hostile-server.js', [JSON.stringify(config)], { execArgv: ['--expose-gc'] })
 *
 * Messages from the parent: `baseline` (gc, then measure; resets the peaks), `measure` (gc, then
 * measure), `report`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Connection, type ServerEvent, type ServerOptions } from '@rx8583/connection';
import { echoRequest, echoResponse, echoSpec } from './echo-spec';
import { SendTally } from './hostile-tally';

export interface HostileServerConfig {
  /** Server options beyond `spec` (JSON: numbers and booleans). */
  options: Partial<Omit<ServerOptions, 'spec' | 'tls'>>;
  /** Serve TLS with the test certificates of packages/connection/test/fixtures. */
  tls?: boolean;
  /** Also send requests to every accepted link, `window` at a time, for `durationMs`. */
  peer?: { window: number; durationMs: number };
}

export interface MemorySample {
  heapAndExternal: number;
  rss: number;
}

export interface ServerReport {
  baseline: MemorySample;
  peak: MemorySample;
  timeline: number[];
  events: Record<string, number>;
  rejected: Record<string, number>;
  tlsErrors: Record<string, number>;
  closedReasons: Record<string, number>;
  peerSends?: ReturnType<SendTally['summary']>;
}

const config = JSON.parse(process.argv[2] ?? '{}') as HostileServerConfig;

function sample(): MemorySample {
  const { heapUsed, external, rss } = process.memoryUsage();
  return { heapAndExternal: heapUsed + external, rss };
}

let baseline = sample();
let peak = sample();
/** heapUsed + external every 500 ms since the baseline, MiB: a sawtooth is garbage, a plateau is held. */
let timeline: number[] = [];
let ticks = 0;
setInterval(() => {
  const now = sample();
  if (++ticks % 25 === 0) timeline.push(Math.round((now.heapAndExternal / 1024 / 1024) * 10) / 10);
  peak = {
    heapAndExternal: Math.max(peak.heapAndExternal, now.heapAndExternal),
    rss: Math.max(peak.rss, now.rss),
  };
}, 20).unref();

const count = (into: Record<string, number>, key: string) => (into[key] = (into[key] ?? 0) + 1);
const events: Record<string, number> = {};
const rejected: Record<string, number> = {};
const tlsErrors: Record<string, number> = {};
const closedReasons: Record<string, number> = {};
const peerSends = config.peer ? new SendTally() : undefined;

function fixture(name: string): Buffer {
  return readFileSync(join(__dirname, '..', '..', 'packages', 'connection', 'test', 'fixtures', name));
}

const server = createServer({
  spec: echoSpec,
  ...config.options,
  ...(config.tls ? { tls: { key: fixture('server.key'), cert: fixture('server.crt') } } : {}),
});

server.events$.subscribe((event: ServerEvent) => {
  count(events, event.type);
  if (event.type === 'rejected') count(rejected, event.reason);
  if (event.type === 'tlsError') count(tlsErrors, event.error.name);
});

server.connections$.subscribe((link: Connection) => {
  link.inbound$.subscribe((request) => {
    if (request.mti === '0800') link.reply(echoResponse(request)).catch(() => undefined);
  });
  void link.closed.then((info) =>
    count(closedReasons, info.error ? `${info.reason}: ${info.error.name}` : info.reason),
  );
  if (config.peer && peerSends) peerSends.driveFlatOut(link, config.peer.window, config.peer.durationMs, echoRequest);
});

process.on('message', (message: { type: string }) => {
  if (message.type === 'baseline') {
    (globalThis as { gc?: () => void }).gc?.();
    baseline = sample();
    peak = sample();
    timeline = [];
    process.send?.({ type: 'baseline', baseline });
  } else if (message.type === 'measure') {
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ type: 'measure', measure: sample() });
  } else if (message.type === 'report') {
    const report: ServerReport = { baseline, peak, timeline, events, rejected, tlsErrors, closedReasons };
    if (peerSends) report.peerSends = peerSends.summary();
    process.send?.({ type: 'report', report });
  }
});
process.on('disconnect', () => void server.close().then(() => process.exit(0)));

void server.listen(0, '127.0.0.1').then(({ port }) => process.send?.({ type: 'ready', port }));
