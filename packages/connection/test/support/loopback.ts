import * as net from 'node:net';
import type { Connection } from '../../src/connection/types';

/**
 * Keeps track of everything a test opens — servers, raw sockets, connections — and closes it all
 * in `afterEach`, so no handle outlives its test.
 */
export class Loopback {
  private readonly servers = new Set<{ close(): unknown }>();
  private readonly sockets = new Set<net.Socket>();
  private readonly connections = new Set<Connection>();

  /** Registers a connection (or anything with `close()`) for cleanup. */
  track<T extends Connection>(conn: T): T {
    this.connections.add(conn);
    return conn;
  }

  /** Registers a raw socket (e.g. a client that never speaks ISO 8583) for cleanup. */
  trackSocket(socket: net.Socket): net.Socket {
    this.sockets.add(socket);
    return socket;
  }

  /** Registers a server for cleanup. */
  trackServer<T extends { close(): unknown }>(server: T): T {
    this.servers.add(server);
    return server;
  }

  /**
   * A raw TCP server on 127.0.0.1 (port 0); `onSocket` gets each accepted socket. Resolves with
   * the port.
   */
  async rawServer(
    onSocket: (socket: net.Socket) => void,
    options: net.ServerOpts = {},
  ): Promise<{ server: net.Server; port: number }> {
    const server = net.createServer(options, (socket) => {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      onSocket(socket);
    });
    this.servers.add({ close: () => new Promise((resolve) => server.close(resolve)) });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, port: (server.address() as net.AddressInfo).port };
  }

  /** Closes everything opened through this helper. */
  async closeAll(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await Promise.all([...this.connections].map((conn) => conn.close()));
    await Promise.all([...this.servers].map((server) => server.close()));
    this.sockets.clear();
    this.connections.clear();
    this.servers.clear();
  }
}

/** Resolves with the first value `emitter` emits for `event`. */
export function once<T = unknown>(emitter: NodeJS.EventEmitter, event: string): Promise<T> {
  return new Promise((resolve) => emitter.once(event, (value: T) => resolve(value)));
}
