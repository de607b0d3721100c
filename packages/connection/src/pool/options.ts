import { assertBackoffSchedule, type BackoffSchedule } from '../operators/backoff';
import type { Connection } from '../connection/types';
import { describeValue, refuseUnknownKeys, requireObject, type KnownKeys } from '../option-checks';
import type { PoolOptions } from './types';

/** Reconnect schedule when none is given: 1 s, doubling to 30 s, ±20 %. */
export const DEFAULT_RECONNECT: Readonly<BackoffSchedule> = { initial: 1_000, max: 30_000, jitter: 0.2 };

/** `PoolOptions` checked, with defaults filled in. */
export interface ResolvedPoolOptions {
  addresses: readonly string[];
  connection: PoolOptions['connection'];
  minConnections: number;
  reconnect: BackoffSchedule;
  filter: (conn: Connection) => boolean;
}

const everyLink = () => true;

const POOL_OPTION_KEYS: KnownKeys<PoolOptions> = {
  addresses: true,
  connection: true,
  minConnections: true,
  reconnect: true,
  filter: true,
};
const RECONNECT_KEYS: KnownKeys<BackoffSchedule> = { initial: true, max: true, jitter: true };

/** Validates `createPool` options up front, so a bad pool fails at construction, not at 3 a.m. */
export function resolvePoolOptions(options: PoolOptions): ResolvedPoolOptions {
  requireObject('createPool', 'options', options);
  refuseUnknownKeys('createPool', options, POOL_OPTION_KEYS);
  const { addresses, connection, minConnections = 1, reconnect = {}, filter = everyLink } = options;
  if (!Array.isArray(addresses) || addresses.length === 0) {
    throw new TypeError(
      `createPool: options.addresses must be a non-empty array of addresses, got ${describeValue(addresses)}`,
    );
  }
  addresses.forEach((address, index) => {
    if (typeof address !== 'string' || address === '') {
      throw new TypeError(
        `createPool: options.addresses[${index}] must be a non-empty string, got ${describeValue(address)}`,
      );
    }
  });
  if (typeof connection !== 'function') {
    throw new TypeError(
      `createPool: options.connection must be a function from an address to ConnectionOptions, got ${describeValue(connection)}`,
    );
  }
  if (!Number.isInteger(minConnections) || minConnections < 0 || minConnections > addresses.length) {
    throw new RangeError(
      `createPool: options.minConnections must be an integer from 0 to ${addresses.length} (the number of addresses), got ${describeValue(minConnections)}`,
    );
  }
  if (typeof filter !== 'function') {
    throw new TypeError(`createPool: options.filter must be a function, got ${describeValue(filter)}`);
  }
  requireObject('createPool', 'options.reconnect', reconnect);
  refuseUnknownKeys('createPool: options.reconnect', reconnect, RECONNECT_KEYS);
  const schedule = { ...DEFAULT_RECONNECT, ...reconnect };
  assertBackoffSchedule('createPool: options.reconnect', schedule);
  return { addresses: [...addresses], connection, minConnections, reconnect: schedule, filter };
}
