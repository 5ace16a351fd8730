// createDatabase: once per container, at module scope; lazy until the first session needs a connection.
import { loadConfig, type DbConfig, type DbConfigInput } from './config';
import { errorNoter, type Core } from './core';
import type { Driver } from './driver';
import { PgDriver } from './drivers/pg';
import { PgliteDriver } from './drivers/pglite';
import { UnsupportedError } from './errors';
import { defaultLogger, type DbLogger } from './log';
import { Pool } from './pool';
import { resolveProfile, type ProxyProfile } from './profiles';
import { Session, type SessionOptions } from './session';
import { newLayerCounters, type DatabaseStats } from './stats';

export type CreateDatabaseOptions<S extends Record<string, unknown>> = DbConfigInput & {
  /** drizzle schema, for typed relational queries on `session.db`. */
  schema?: S;
  logger?: DbLogger;
  /** Environment to read settings from (default process.env). */
  env?: Record<string, string | undefined>;
};

export type Database<S extends Record<string, unknown> = Record<string, never>> = {
  readonly config: Readonly<DbConfig>;
  readonly profile: ProxyProfile;
  readonly driverName: string;
  /** Runs fn as one session; everything it acquired is released when fn settles. */
  session<T>(fn: (session: Session<S>) => Promise<T>, options?: SessionOptions): Promise<T>;
  stats(): DatabaseStats;
  /** Closes every connection (tests, the local server's shutdown). Lambda containers never need it. */
  close(): Promise<void>;
};

export function createDatabase<S extends Record<string, unknown> = Record<string, never>>(
  options: CreateDatabaseOptions<S> = {},
): Database<S> {
  const { schema, logger: givenLogger, env, ...input } = options;
  const config = loadConfig(input, env);
  const profile = resolveProfile(config.proxyProfile, config.url);
  const logger = givenLogger ?? defaultLogger();
  const driver = makeDriver(config, profile);
  const counters = newLayerCounters();
  const pool = new Pool(driver, {
    max: config.poolMax,
    idleTimeoutMs: config.poolIdleTimeoutMs,
    maxLifetimeMs: config.maxLifetimeMs,
    validateAfterIdleMs: config.validateAfterIdleMs,
    validationTimeoutMs: config.validationTimeoutMs,
  });
  pool.onStaleReplaced = () => counters.staleReplaced++;
  const core: Core = { config, driver, pool, profile, logger, counters, schema, note: errorNoter(counters) };
  let announced = false;

  return {
    config,
    profile,
    driverName: driver.name,
    session(fn, sessionOptions = {}) {
      if (!announced) {
        announced = true;
        logger.info('database layer ready', { driver: driver.name, profile: profile.name, poolMax: config.poolMax });
      }
      return new Session<S>(core, sessionOptions).run(fn);
    },
    stats: () => ({ pool: pool.counters, layer: structuredClone(counters) }),
    close: () => pool.close(),
  };
}

function makeDriver(config: DbConfig, profile: ProxyProfile): Driver {
  switch (config.driver) {
    case 'pglite':
      return new PgliteDriver({ dataDir: config.pgliteDataDir });
    case 'pg':
      return new PgDriver({
        url: config.url!,
        applicationName: config.applicationName,
        profile,
        startupTimeouts: {
          statementMs: config.statementTimeoutMs,
          lockMs: config.lockTimeoutMs,
          idleInTransactionMs: config.idleInTransactionTimeoutMs,
        },
      });
    default:
      throw new UnsupportedError(`driver "${config.driver}" is not available in this build`);
  }
}
