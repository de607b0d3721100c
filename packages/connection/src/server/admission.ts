import * as net from 'node:net';
import type { ServerRejectReason } from './server-types';

/** Who may hold a socket on a server, and how many at once. */
export interface AdmissionLimits {
  maxConnections: number;
  /** `Infinity` = no per-source limit. */
  maxConnectionsPerSource: number;
  /** Absent = everyone. */
  allow: net.BlockList | undefined;
}

/**
 * Counts the sockets a server holds, overall and per source IP, from accept until the socket's
 * `close` — a TLS handshake and a connection still closing hold their slot too, since they hold a
 * file descriptor and memory. A refused socket never takes one.
 */
export class Admission {
  private held = 0;
  private readonly bySource = new Map<string, number>();

  constructor(private readonly limits: AdmissionLimits) {}

  /** Sockets held now. */
  get count(): number {
    return this.held;
  }

  /** Takes a slot for `socket` until it closes, or says why it may not have one. */
  admit(socket: net.Socket): ServerRejectReason | undefined {
    const source = sourceOf(socket.remoteAddress);
    const { allow, maxConnections, maxConnectionsPerSource } = this.limits;
    if (allow !== undefined && !allow.check(source, net.isIPv6(source) ? 'ipv6' : 'ipv4')) return 'notAllowed';
    if (this.held >= maxConnections) return 'maxConnections';
    const fromSource = this.bySource.get(source) ?? 0;
    if (fromSource >= maxConnectionsPerSource) return 'maxConnectionsPerSource';
    this.held += 1;
    this.bySource.set(source, fromSource + 1);
    // `on`, not `once`: a socket closes once, and `once`'s wrapper would cost each link ~100 bytes more.
    socket.on('close', () => this.release(source));
    return undefined;
  }

  private release(source: string): void {
    this.held -= 1;
    const left = (this.bySource.get(source) ?? 1) - 1;
    if (left === 0) this.bySource.delete(source);
    else this.bySource.set(source, left);
  }
}

const MAPPED_IPV4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** The client's IP as the limits see it: an IPv4 client on an IPv6 socket counts as its IPv4 address. */
function sourceOf(remoteAddress: string | undefined): string {
  if (remoteAddress === undefined) return 'unknown';
  return MAPPED_IPV4.exec(remoteAddress)?.[1] ?? remoteAddress;
}

/**
 * The allow list as a `BlockList` (used as a pass list), checked up front: each entry an IP
 * address or a CIDR range.
 */
export function allowList(where: string, entries: unknown): net.BlockList | undefined {
  if (entries === undefined) return undefined;
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new TypeError(`${where}: options.allow must be a non-empty array of IP addresses or CIDR ranges`);
  }
  const list = new net.BlockList();
  entries.forEach((entry: unknown, index) => {
    const [address, bits, extra] = typeof entry === 'string' ? entry.split('/') : [];
    const family = address === undefined ? 0 : net.isIP(address);
    const prefix = bits === undefined ? undefined : Number(bits);
    const maxPrefix = family === 6 ? 128 : 32;
    const badPrefix = prefix !== undefined && (!/^\d+$/.test(bits!) || prefix > maxPrefix);
    if (family === 0 || badPrefix || extra !== undefined) {
      throw new TypeError(
        `${where}: options.allow[${index}] must be an IP address or a CIDR range such as 10.0.0.0/8, got ${JSON.stringify(entry)}`,
      );
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address!, type);
    else list.addSubnet(address!, prefix, type);
  });
  return list;
}
