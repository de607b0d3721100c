/**
 * A benchmark server in a child process of its own (so that client and server each get a core):
 * the child reports its port over IPC once listening and exits when the parent disconnects.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';

export interface ChildServer {
  port: number;
  /** Disconnects the child and waits for it to exit. */
  stop(): Promise<void>;
}

/** Forks `file` with `args` and waits for the port it reports. */
export async function forkServer(file: string, args: string[] = []): Promise<ChildServer> {
  const child = fork(file, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [message] = (await once(child, 'message')) as [{ port: number }];
  return {
    port: message.port,
    stop: async () => {
      const exited = once(child, 'exit');
      child.disconnect();
      await exited;
    },
  };
}
