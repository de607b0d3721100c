export { createPool } from './pool';
export { DEFAULT_RECONNECT } from './options';
export { routingHash } from './route';
export type {
  Pool,
  PoolOptions,
  PoolEvent,
  PoolUpEvent,
  PoolDownEvent,
  PoolRetryEvent,
  PoolErrorEvent,
  PoolClosedEvent,
  PoolSummary,
  GetOptions,
} from './types';
