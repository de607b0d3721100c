/**
 * The soak test's hosts: echo servers in this process that can be stopped and started again on
 * the same port, as a host restart looks to its clients.
 */
import { createServer, type Server } from '@rx8583/connection';
import { echoResponse, echoSpec } from './echo-spec';

export class RestartableHost {
  private server: Server | null = null;
  /** The port, fixed by the first start and reused by every restart. */
  port = 0;
  restarts = 0;

  async start(): Promise<void> {
    const server = createServer({ spec: echoSpec, idleTime: Infinity, readTimeout: Infinity });
    server.connections$.subscribe((link) => {
      link.inbound$.subscribe((request) => void link.reply(echoResponse(request)).catch(() => undefined));
    });
    this.port = (await server.listen(this.port, '127.0.0.1')).port;
    this.server = server;
  }

  /** Closes the server and its connections (clients see the peer go), then listens again. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
    this.restarts += 1;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    await server?.close();
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }
}
