import type { Connection } from './types';

/** What a connection offers `onClose` beyond its public face: sending while closing. */
export interface SignOffCapable extends Connection {
  sendWhileClosing: Connection['send'];
  sendWhileClosing$: Connection['send$'];
}

/**
 * The connection as `onClose` sees it: the same object, except that `send` and `send$` still work
 * although the connection already refuses new sends from everyone else — so `onClose` can sign
 * off, and nothing else can slip a request in.
 */
export function signOffView(conn: SignOffCapable): Connection {
  return new Proxy(conn, {
    get(target, property) {
      if (property === 'send') return target.sendWhileClosing;
      if (property === 'send$') return target.sendWhileClosing$;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
