/**
 * A benchmark server in a child process of its own (so that client and server each get a core):
 * the child reports its port over IPC once listening and exits when the parent disconnects.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';

export interface ChildServer {
  port: number;
  /** The child's CPU time so far, in microseconds (user + system), if it answers `'cpu'` messages (see {@link answerCpuQueries}). */
  cpuMicros(): Promise<number>;
  /** Disconnects the child and waits for it to exit. */
  stop(): Promise<void>;
}

/** In the child: answers the parent's `'cpu'` messages with this process's CPU time. */
export function answerCpuQueries(): void {
  process.on('message', (message) => {
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send!({ cpuMicros: user + system });
    }
  });
}

/** Forks `file` with `args` and waits for the port it reports. */
export async function forkServer(file: string, args: string[] = []): Promise<ChildServer> {
  const child = fork(file, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [message] = (await once(child, 'message')) as [{ port: number }];
  return {
    port: message.port,
    cpuMicros: async () => {
      const answer = once(child, 'message') as Promise<[{ cpuMicros: number }]>;
      child.send('cpu');
      return (await answer)[0].cpuMicros;
    },
    stop: async () => {
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
}
