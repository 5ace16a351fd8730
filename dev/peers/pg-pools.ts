// One pg.Pool per (user, database) for a peer, created on first use, all closed together.
import pg from 'pg';
import { RAW_TEXT_TYPES } from './pg-types.js';

export type PoolTarget = { host: string; port: number };

export type PoolOptions = {
  /** Session settings sent at startup, e.g. { TimeZone: 'UTC' }. */
  settings?: Record<string, string>;
  max?: number;
  applicationName?: string;
};

export type PoolCache = {
  get(user: string, database: string): pg.Pool;
  closeAll(): Promise<void>;
};

export function createPoolCache(target: PoolTarget, options: PoolOptions = {}): PoolCache {
  const pools = new Map<string, pg.Pool>();
  const startupOptions = Object.entries(options.settings ?? {})
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');
  return {
    get(user, database) {
      const key = `${user}\u0000${database}`;
      let pool = pools.get(key);
      if (!pool) {
        pool = new pg.Pool({
          host: target.host,
          port: target.port,
          user,
          database,
          max: options.max ?? 10,
          idleTimeoutMillis: 10_000,
          application_name: options.applicationName,
          options: startupOptions || undefined,
          // Raw text for every type: the peers shape values the way the real services do.
          types: RAW_TEXT_TYPES as unknown as pg.CustomTypesConfig,
        });
        // An idle client dying (server restart, terminate) is an event, not a crash.
        pool.on('error', () => undefined);
        pools.set(key, pool);
      }
      return pool;
    },
    async closeAll() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.allSettled(all.map((pool) => pool.end()));
    },
  };
}
