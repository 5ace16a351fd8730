// node-postgres over TCP, straight to PostgreSQL and through PgBouncer in transaction pooling: the layer vs a raw
// pg.Pool of the same size on the same URL.
import pg from 'pg';
import { createDatabase, type ProxyProfile } from '../../lib/db';
import { PG_HOST, PG_PORT, type TestDatabase } from '../../test/support/postgres';
import { POOL_SIZE } from '../db/open';
import { quietLogger } from '../support/quiet-logger';
import { pgbouncerEndpoint } from './bouncer';
import type { DriverTarget, Sides, TargetEnv } from './target';
import { countedOnTheWire } from './wire-counted';
import { LAYER_BEGIN, layerRead, layerWrite, rawRead, rawWrite, STATEMENTS_PLUS_TWO } from './workload';

const roundTrips = { label: 'round trips (1 INSERT)', unit: 'round trips', expected: { layer: STATEMENTS_PLUS_TWO, raw: STATEMENTS_PLUS_TWO } };

export const pgDirect: DriverTarget = {
  name: 'pg',
  writeName: 'write transaction',
  layerExtra: 'SET LOCAL timeouts in the BEGIN round trip',
  inProcessPeer: false,
  calls: { read: 10_000, write: 6_000 },
  writeCost: roundTrips,
  async setup(tdb) {
    return pgEnv(tdb, { host: PG_HOST, port: PG_PORT }, tdb.url, 'direct', async () => undefined);
  },
};

export const pgbouncer: DriverTarget = {
  name: 'pgbouncer',
  writeName: 'write transaction',
  layerExtra: 'SET LOCAL timeouts in the BEGIN round trip',
  inProcessPeer: false,
  calls: { read: 8_000, write: 4_000 },
  writeCost: roundTrips,
  async setup(tdb) {
    const bouncer = await pgbouncerEndpoint();
    // Counted between the client and PgBouncer: the round trips the client waits for.
    return { ...pgEnv(tdb, bouncer, bouncer.url(tdb.name), 'pgbouncer', bouncer.close), serverPids: () => [bouncer.pid()] };
  },
};

function pgEnv(
  tdb: TestDatabase,
  endpoint: { host: string; port: number },
  url: string,
  profile: ProxyProfile['name'],
  closeEndpoint: () => Promise<void>,
): TargetEnv {
  // The profile is given, not detected: the counting proxy's port is neither 5432 nor 6432.
  const open = async (at: string): Promise<Sides> => {
    const db = createDatabase({ url: at, driver: 'pg', proxyProfile: profile, applicationName: tdb.applicationName, poolMax: POOL_SIZE, logger: quietLogger, env: {} });
    const pool = new pg.Pool({ connectionString: at, application_name: tdb.applicationName, max: POOL_SIZE });
    const poolB = new pg.Pool({ connectionString: at, application_name: tdb.applicationName, max: POOL_SIZE });
    return {
      read: { layer: layerRead(db), raw: rawRead(pool), rawB: rawRead(poolB) },
      write: { layer: layerWrite(db), raw: rawWrite(pool), rawB: rawWrite(poolB), rawSameWork: rawWrite(pool, LAYER_BEGIN) },
      close: async () => {
        await db.close();
        await pool.end();
        await poolB.end();
      },
    };
  };
  return { open: () => open(url), counted: () => countedOnTheWire(endpoint, url, open), close: closeEndpoint };
}
