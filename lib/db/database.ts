// createDatabase: once per container, at module scope; lazy until the first session needs a connection.
import { loadConfig, type DbConfig, type DbConfigInput } from './config';
import { errorNoter, type Core } from './core';
import type { DriverCapabilities } from './driver';
import { LazyDriver } from './drivers/lazy';
import { defaultLogger, type DbLogger } from './log';
import { Pool } from './pool';
import { reportUncleanRelease } from './release-report';
import type { MigrationMark } from './schema-version';
import { detectProfile, type ProxyProfile } from './profiles';
import { Session, type SessionOptions } from './session';
import { StatementRules } from './statement-rules';
import { newLayerCounters, type DatabaseStats } from './stats';
import { Watchdog } from './watchdog';

export type CreateDatabaseOptions<S extends Record<string, unknown>> = DbConfigInput & {
  /** drizzle schema, for typed relational queries on `session.db`. */
  schema?: S;
  logger?: DbLogger;
  /** Environment to read settings from (default process.env). */
  env?: Record<string, string | undefined>;
  /** The newest migration the code needs (the Lambda wrapper refuses to serve on a database behind it). */
  requiredMigration?: MigrationMark;
};

export type Database<S extends Record<string, unknown> = Record<string, never>> = {
  readonly config: Readonly<DbConfig>;
  readonly profile: ProxyProfile;
  readonly driverName: string;
  /** What the driver can do (a step that needs interactive transactions or concurrency checks here). */
  readonly capabilities: Readonly<DriverCapabilities>;
  /** The newest migration the code needs, when the creator said so. */
  readonly requiredMigration: MigrationMark | undefined;
  /** Runs fn as one session; everything it acquired is released when fn settles. */
  session<T>(fn: (session: Session<S>) => Promise<T>, options?: SessionOptions): Promise<T>;
  stats(): DatabaseStats;
  /** Closes every connection (tests, the local server's shutdown). Lambda containers never need it. */
  close(): Promise<void>;
};

export function createDatabase<S extends Record<string, unknown> = Record<string, never>>(
  options: CreateDatabaseOptions<S> = {},
): Database<S> {
  const { schema, logger: givenLogger, env, requiredMigration, ...input } = options;
  const config = loadConfig(input, env);
  const { profile, reason } = detectProfile(config.proxyProfile, config.url, { driver: config.driver, preparedStatements: config.preparedStatements, allowPinning: config.allowPinning });
  const logger = givenLogger ?? defaultLogger();
  // Name and capabilities now; the driver's module (and npm package) only at the first connect.
  const driver = new LazyDriver(config, profile);
  const counters = newLayerCounters();
  const pool = new Pool(driver, {
    max: config.poolMax,
    idleTimeoutMs: config.poolIdleTimeoutMs,
    maxLifetimeMs: config.maxLifetimeMs,
    // Nothing to go stale between requests of an HTTP driver: no ping after idle.
    validateAfterIdleMs: driver.capabilities.stateless ? Number.POSITIVE_INFINITY : config.validateAfterIdleMs,
    validationTimeoutMs: config.validationTimeoutMs,
  });
  pool.onStaleReplaced = () => counters.staleReplaced++;
  pool.onUncleanRelease = (conn) => reportUncleanRelease(logger, conn);
  const core: Core = { config, driver, pool, profile, statements: new StatementRules(profile), logger, counters, schema, note: errorNoter(counters), leakStacks: { on: config.leakStacks }, watchdog: new Watchdog() };
  let announced = false;

  return {
    config,
    profile,
    driverName: driver.name,
    capabilities: driver.capabilities,
    requiredMigration,
    session(fn, sessionOptions = {}) {
      if (!announced) {
        announced = true;
        logger.info('database layer ready', { driver: driver.name, profile: profile.name, profileReason: reason, poolMax: config.poolMax });
      }
      return new Session<S>(core, sessionOptions).run(fn);
    },
    stats: () => ({ pool: pool.counters, layer: structuredClone(counters) }),
    close: () => pool.close(),
  };
}
