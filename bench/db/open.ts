// The two sides of every comparison, on the same database and with the same pool size, and the round-trip count.
import pg from 'pg';
import { createDatabase, type Database } from '../../lib/db';
import { PG_HOST, PG_PORT, type TestDatabase } from '../../test/support/postgres';
import { startCountingProxy } from '../support/proxy';
import { quietLogger } from '../support/quiet-logger';

export const POOL_SIZE = 2;

export type Sides = {
  /** The layer with its defaults (every timeout on), a quiet logger, and no settings taken from the environment. */
  db: Database;
  /** A raw node-postgres pool of the same size. */
  pool: pg.Pool;
};

type Call = () => Promise<unknown>;

/** Runs fn with both sides connected to `url` (default: the database itself) and closes both after. */
export async function withSides<T>(tdb: TestDatabase, fn: (sides: Sides) => Promise<T>, url = tdb.url): Promise<T> {
  const db = createDatabase({ url, driver: 'pg', applicationName: tdb.applicationName, poolMax: POOL_SIZE, logger: quietLogger, env: {} });
  const pool = new pg.Pool({ connectionString: url, application_name: tdb.applicationName, max: POOL_SIZE });
  try {
    return await fn({ db, pool });
  } finally {
    await db.close();
    await pool.end();
  }
}

/**
 * Round trips one call of each side costs on a warm connection, counted as the server's ReadyForQuery
 * messages through a counting proxy of its own.
 */
export async function roundTripsPerCall(
  tdb: TestDatabase,
  calls: number,
  layer: (db: Database) => Call,
  raw: (pool: pg.Pool) => Call,
): Promise<{ layer: number; raw: number }> {
  const proxy = await startCountingProxy({ host: PG_HOST, port: PG_PORT });
  const count = async (run: Call) => {
    for (let i = 0; i < 5; i++) await run();
    const before = proxy.readyForQuery;
    for (let i = 0; i < calls; i++) await run();
    return (proxy.readyForQuery - before) / calls;
  };
  try {
    return await withSides(tdb, async ({ db, pool }) => ({ layer: await count(layer(db)), raw: await count(raw(pool)) }), proxy.route(tdb.url));
  } finally {
    await proxy.close();
  }
}
