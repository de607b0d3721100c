import { connect, type Connection } from '@rx8583/connection';
import type { Message } from '@rx8583/iso8583';
import { Presets, SingleBar } from 'cli-progress';
import { Command } from 'commander';
import { UsageError } from '../../errors';
import { renderReport, type LatencyRecorder, type LoadReport } from '../../load/latency-report';
import { mixPicker, readMix } from '../../load/message-mix';
import { numberedCopies } from '../../load/numbering';
import { runLoad } from '../../load/run-load';
import { examples, linkFrom, withLinkOptions, type LinkFlags } from '../common-options';
import { action, EXIT } from '../exit';
import { parseAddress, parseDuration, parsePositiveInt, readJsonFile } from '../link-options';

interface LoadFlags extends LinkFlags {
  to: string;
  mix?: string;
  concurrency?: string;
  rate?: string;
  duration?: string;
  count?: string;
  connections: string;
  timeout: string;
  maxErrorRate: string;
  json?: boolean;
  warmup?: string;
  progress: 'auto' | 'bar' | 'lines' | 'none';
}

/** The default mix: an 0800 echo (ISO 8583:1987 field 70 = 301). */
const ECHO_MIX = { messages: [{ name: 'echo', mti: '0800', fields: { '70': '301' } }] };

type Progress = (recorder: LatencyRecorder, elapsedMs: number) => void;

/** A progress bar on a terminal (cli-progress), a plain line a second otherwise, on stderr. */
function progressReporter(flags: LoadFlags, total: number, byTime: boolean): { update: Progress; stop: () => void } {
  const mode = flags.progress === 'auto' ? (process.stderr.isTTY ? 'bar' : 'lines') : flags.progress;
  if (mode === 'none') return { update: () => undefined, stop: () => undefined };
  if (mode === 'bar') {
    const bar = new SingleBar(
      {
        format: ` {bar} {percentage}% | {done} sent | {rts} rt/s | p99 {p99} ms | errors {errors} | {elapsed}s`,
        hideCursor: true,
        stream: process.stderr,
      },
      Presets.shades_classic,
    );
    bar.start(total, 0, { done: 0, rts: 0, p99: '0.000', errors: 0, elapsed: '0.0' });
    return {
      update: (r, elapsed) =>
        bar.update(byTime ? Math.min(total, elapsed) : r.answered + r.failed, {
          done: r.answered + r.failed,
          rts: elapsed > 0 ? Math.round((r.answered / elapsed) * 1000) : 0,
          p99: r.percentile(99).toFixed(3),
          errors: r.failed,
          elapsed: (elapsed / 1000).toFixed(1),
        }),
      stop: () => bar.stop(),
    };
  }
  let lastLine = -Infinity;
  return {
    update: (r, elapsed) => {
      if (elapsed - lastLine < 1000) return;
      lastLine = elapsed;
      const rts = elapsed > 0 ? Math.round((r.answered / elapsed) * 1000) : 0;
      process.stderr.write(
        `[${(elapsed / 1000).toFixed(1).padStart(6)} s] sent ${r.answered + r.failed}  answered ${r.answered}  errors ${r.failed}  ${rts} rt/s  p99 ${r.percentile(99).toFixed(3)} ms\n`,
      );
    },
    stop: () => undefined,
  };
}

/** Exit 1 when the share of requests without a response is above the threshold. */
export function loadExitCode(report: LoadReport, maxErrorRate: number): number {
  const failed = report.sent - report.answered;
  return report.sent === 0 || failed / report.sent > maxErrorRate ? EXIT.failures : EXIT.ok;
}

/** `rx8583 load`: a load generator with latency percentiles, by concurrency or by rate. */
export function loadCommand(): Command {
  const command = withLinkOptions(
    new Command('load')
      .description('generate load against a host and report throughput, latency percentiles and response codes')
      .requiredOption('--to <host:port>', 'the host to load')
      .option(
        '--mix <file>',
        'message mix JSON: {"messages":[{"name":"…","weight":3,"mti":"0200","fields":{…}}]}; default an 0800 echo',
      )
      .option('--concurrency <n>', 'closed loop: keep n requests in flight (default 10 when no --rate)')
      .option(
        '--rate <n>',
        'open loop: n requests a second on a fixed schedule; latency counted from the scheduled time',
      )
      .option('--duration <duration>', 'how long to issue requests (10s, 2m)')
      .option('--count <n>', 'how many requests to send')
      .option('--connections <n>', 'links to open, used round-robin', '1')
      .option('--timeout <duration>', 'how long each request waits for its response', '10s')
      .option('--max-error-rate <fraction>', 'exit 1 when more than this share of requests got no response', '0')
      .option('--progress <mode>', 'auto (bar on a terminal, lines otherwise), bar, lines or none', 'auto')
      .option(
        '--warmup <n>',
        'send n requests first (10 in flight), not counted: lets the JIT warm up before measuring',
      )
      .option('--json', 'print the report as JSON on stdout'),
  ).action(
    action(async (flags: LoadFlags) => {
      const { spec, framing } = linkFrom(flags);
      if (flags.concurrency !== undefined && flags.rate !== undefined)
        throw new UsageError('give --concurrency or --rate, not both');
      if (flags.duration === undefined && flags.count === undefined)
        throw new UsageError('give --duration or --count (or both)');
      const rate = flags.rate === undefined ? undefined : parsePositiveInt(flags.rate, '--rate');
      const concurrency =
        rate !== undefined
          ? undefined
          : flags.concurrency === undefined
            ? 10
            : parsePositiveInt(flags.concurrency, '--concurrency');
      const count = flags.count === undefined ? undefined : parsePositiveInt(flags.count, '--count');
      const durationMs = flags.duration === undefined ? undefined : parseDuration(flags.duration, '--duration');
      const maxErrorRate = Number(flags.maxErrorRate);
      if (!(maxErrorRate >= 0 && maxErrorRate <= 1))
        throw new UsageError(`--max-error-rate must be a fraction from 0 to 1, got '${flags.maxErrorRate}'`);
      if (!['auto', 'bar', 'lines', 'none'].includes(flags.progress))
        throw new UsageError(`--progress must be auto, bar, lines or none, got '${flags.progress}'`);
      const pick = mixPicker(readMix(flags.mix ? readJsonFile(flags.mix, 'mix file') : ECHO_MIX, spec));
      const number = numberedCopies(spec);
      const timeout = parseDuration(flags.timeout, '--timeout');
      const address = parseAddress(flags.to, '--to');
      const links: Connection[] = [];
      try {
        for (let i = parsePositiveInt(flags.connections, '--connections'); i > 0; i--) {
          links.push(await connect({ ...address, spec, framing, sendTimeout: timeout, maxInFlight: 100_000 }));
        }
        let turn = 0;
        const send = (m: Message) => links[turn++ % links.length]!.send(m);
        const next = (index: number) => number(pick(), index);
        if (flags.warmup !== undefined) {
          await runLoad({ send, next, concurrency: 10, count: parsePositiveInt(flags.warmup, '--warmup') });
        }
        const byTime = count === undefined;
        const progress = progressReporter(flags, byTime ? durationMs! : count, byTime);
        const report = await runLoad({
          send,
          next,
          ...(rate !== undefined ? { rate } : { concurrency: concurrency! }),
          ...(count !== undefined && { count }),
          ...(durationMs !== undefined && { durationMs }),
          onProgress: progress.update,
        });
        progress.stop();
        process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${renderReport(report)}\n`);
        return loadExitCode(report, maxErrorRate);
      } finally {
        await Promise.all(links.map((l) => l.close()));
      }
    }),
  );
  return examples(command, [
    'rx8583 load --to 127.0.0.1:8583 --concurrency 50 --duration 30s',
    'rx8583 load --to 127.0.0.1:8583 --rate 2000 --duration 1m --mix mix.json',
    'rx8583 load --to 127.0.0.1:9000 --count 10000 --connections 4 --json > report.json',
    'rx8583 load --to 127.0.0.1:8583 --rate 500 --duration 10s --max-error-rate 0.01   # exit 1 above 1 % errors',
  ]);
}
