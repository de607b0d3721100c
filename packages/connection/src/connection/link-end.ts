import { ConnectionClosedError } from '../errors';
import type { CloseInfo, CloseReason } from './types';

/**
 * The one record that a link has ended, and how. Ending has two steps: `end()` when the link is
 * over — nothing more is read, written or settled, and whatever was pending fails with `error()` —
 * then `gone()` once the socket has closed, which resolves `closed`. Everything that must stop with
 * the link (request mux, write queue, events, the connection's state) asks this object instead of
 * keeping a flag of its own.
 */
export class LinkEnd {
  /** Resolves (never rejects) once the socket is closed. */
  readonly closed: Promise<CloseInfo>;
  private record: CloseInfo | undefined = undefined;
  private socketClosed = false;
  private resolveClosed!: (info: CloseInfo) => void;

  constructor() {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  /** The link is over (the socket may still be closing). */
  get ended(): boolean {
    return this.record !== undefined;
  }

  /** The socket is closed too: `closed` has resolved. */
  get isGone(): boolean {
    return this.socketClosed;
  }

  /** Who ended the link and why, once it has ended. */
  get info(): CloseInfo | undefined {
    return this.record;
  }

  /** Records the end; false, changing nothing, when the link had ended already. */
  end(reason: CloseReason, error?: Error): boolean {
    if (this.record !== undefined) return false;
    this.record = error === undefined ? { reason } : { reason, error };
    return true;
  }

  /** Records that the socket closed and resolves `closed`; returns how the link ended. */
  gone(): CloseInfo {
    const info = this.record as CloseInfo;
    if (!this.socketClosed) {
      this.socketClosed = true;
      this.resolveClosed(info);
    }
    return info;
  }

  /** What an operation still pending when the link ended fails with; `written` as it applies to it. */
  error(written = false): ConnectionClosedError {
    const { reason, error } = this.record ?? { reason: 'local' };
    if (reason === 'error') {
      return new ConnectionClosedError(`connection failed: ${error?.message}`, { cause: error, written });
    }
    if (reason === 'peer') return new ConnectionClosedError('connection closed by the peer', { written });
    return new ConnectionClosedError('connection closed', { written });
  }
}
