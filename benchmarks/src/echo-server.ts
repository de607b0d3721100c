/**
 * The benchmark's echo server: answers every 0800 with an 0810 carrying the same STAN.
 * Runs in the benchmark's process, or as a child process (`fork`) that reports its port over IPC.
 */
import { createServer, type Server } from '@rx8583/connection';
import { echoResponse, echoSpec } from './echo-spec';

export async function startEchoServer(): Promise<{ server: Server; port: number }> {
  const server = createServer({ spec: echoSpec });
  server.connections$.subscribe((link) => {
    link.inbound$.subscribe((request) => void link.reply(echoResponse(request)));
  });
  const { port } = await server.listen(0, '127.0.0.1');
  return { server, port };
}

if (require.main === module) {
  void startEchoServer().then(({ server, port }) => {
    process.send?.({ port });
    process.on('disconnect', () => void server.close().then(() => process.exit(0)));
  });
}
