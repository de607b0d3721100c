export { createPool } from './pool';
export { DEFAULT_RECONNECT } from './options';
export { routingHash } from './route';
export type { Pool, PoolOptions, PoolEvent, GetOptions } from './types';
