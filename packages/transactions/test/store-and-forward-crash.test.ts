import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { TestHost, tempDir } from './support/host';

const root = path.join(__dirname, '..', '..', '..');
const CHILD = path.join(__dirname, 'support', 'crash-child.ts');

/** Runs the child under ts-node; collects its stdout lines. */
function child(args: string[]): {
  proc: ChildProcess;
  lines: string[];
  line: (predicate: (l: string) => boolean) => Promise<void>;
  exited: Promise<number | null>;
} {
  const proc = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', CHILD, ...args], {
    cwd: root,
    env: { ...process.env, TS_NODE_PROJECT: path.join(root, 'tsconfig.test.json') },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<{ predicate: (l: string) => boolean; resolve: () => void }> = [];
  let rest = '';
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const l of parts) {
      lines.push(l);
      for (const w of [...waiters]) {
        if (!w.predicate(l)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  let stderr = '';
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const line = (predicate: (l: string) => boolean) =>
    new Promise<void>((resolve, reject) => {
      if (lines.some(predicate)) return resolve();
      waiters.push({ predicate, resolve });
      void exited.then((code) => reject(new Error(`child exited (${code}) first: ${stderr}`)));
    });
  return { proc, lines, line, exited };
}

describe('store-and-forward survives SIGKILL', () => {
  let temp: ReturnType<typeof tempDir>;
  let host: TestHost | undefined;
  let running: ChildProcess[] = [];

  beforeEach(() => (temp = tempDir()));
  afterEach(async () => {
    for (const proc of running) proc.kill('SIGKILL');
    running = [];
    await host?.stop();
    temp.remove();
  });

  it('delivers every advice and reversal whose enqueue resolved, in order, repeats flagged 0221/0421, after a kill part-way', async () => {
    // Phase 1: the host reads but never answers, so the head advice is attempted and repeated.
    host = await new TestHost(() => undefined).start();
    const isAdvice = (r: { mti: string }) => r.mti.startsWith('022');
    const isReversal = (r: { mti: string }) => r.mti.startsWith('042');
    const first = child(['enqueue', temp.dir, String(host.port), '1000']);
    running.push(first.proc);
    let acked = 0;
    await first.line((l) => l.startsWith('ok ') && ++acked >= 300);
    await host.nth(2, isAdvice); // at least one attempt and one repeat went out before the kill
    await host.nth(2, isReversal);
    await first.line((l) => l.startsWith('rev '));
    first.proc.kill('SIGKILL');
    await first.exited;
    const resolved = first.lines.filter((l) => l.startsWith('ok ')).map((l) => l.slice(3));
    const issuedBefore = new Set(first.lines.filter((l) => l.startsWith('stan ')).map((l) => l.slice(5)));
    const reversedBefore = first.lines.filter((l) => l.startsWith('rev ')).map((l) => l.slice(4));
    const attemptedBefore = new Set(host.received.filter((r) => !r.mti.startsWith('01')).map((r) => r.stan));
    expect(resolved.length).toBeGreaterThanOrEqual(300);
    expect(resolved.length).toBeLessThan(1000);

    // Phase 2: a new process takes the dead one's lock, the host answers, everything goes out.
    host.behaviour = () => '00';
    const before = host.received.length;
    const second = child(['deliver', temp.dir, String(host.port)]);
    running.push(second.proc);
    await second.line((l) => l === 'drained');
    expect(await second.exited).toBe(0);

    const answered = host.received.slice(before).filter(isAdvice);
    const reversalsAnswered = host.received.slice(before).filter(isReversal);
    const order = [...new Set(answered.map((r) => r.stan))];
    // In order: STANs were issued ascending, so delivery order is ascending too, each once in a row.
    expect(order).toEqual([...order].sort());
    expect(answered.map((r) => r.stan)).toEqual([...answered.map((r) => r.stan)].sort());
    // None lost: every resolved enqueue is delivered.
    const delivered = new Set(order);
    expect(resolved.filter((stan) => !delivered.has(stan))).toEqual([]);
    // Repeats flagged: whatever may have gone out before the kill goes again as 0221, the rest as 0220 first.
    for (const stan of order) {
      const mtis = answered.filter((r) => r.stan === stan).map((r) => r.mti);
      expect([stan, mtis[0]]).toEqual([stan, attemptedBefore.has(stan) ? '0221' : '0220']);
    }
    expect(attemptedBefore.size).toBeGreaterThan(0);

    // The same for the reversals: each one stored before its 0100's failure was reported goes out.
    const reversalOrder = [...new Set(reversalsAnswered.map((r) => r.stan))];
    expect(reversalOrder).toEqual([...reversalOrder].sort());
    expect(reversedBefore.filter((stan) => !reversalOrder.includes(stan))).toEqual([]);
    for (const stan of reversalOrder) {
      const mtis = reversalsAnswered.filter((r) => r.stan === stan).map((r) => r.mti);
      expect([stan, mtis[0]]).toEqual([stan, attemptedBefore.has(stan) ? '0421' : '0420']);
    }
    expect(reversalsAnswered.some((r) => r.mti === '0421')).toBe(true);
    // The STAN file: the restarted process issued none of the numbers handed out before the kill.
    const issuedAfter = second.lines.filter((l) => l.startsWith('stan ')).map((l) => l.slice(5));
    expect(issuedAfter).toHaveLength(20);
    expect(issuedAfter.filter((s) => issuedBefore.has(s))).toEqual([]);
  }, 120_000); // two ts-node processes and ~1 000 durable deliveries: 8 s on a quiet machine
});
