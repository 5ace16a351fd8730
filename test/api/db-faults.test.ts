// Database faults reach the client as typed answers: no connection to be had -> 503 with Retry-After, a deadline
// passed -> 504; never a 500, never a stack, and nothing half-written or left open.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke, type HttpHandler } from '../support/apigw';
import { ADMIN, hotkeyFor, keypairFor, loadRouteHandlers, openGeoHour, TEST_VALIDATOR } from '../support/api-fixtures';
import { adminQuery, createTestDatabase, eventually, randomName, type TestDatabase } from '../support/postgres';

let tdb: TestDatabase;
let h: Record<string, HttpHandler>;
let api: typeof import('../../lib/api');
const miner = hotkeyFor(40);
let hour: Date;
/** A signed prediction for the open hour (a re-submission replaces it). */
const predict = (remainingMs?: number) =>
  invoke(h['POST /geo/predictions']!, 'POST /geo/predictions', { json: { queryTime: hour.toISOString(), value: 1 }, signer: keypairFor(40), remainingMs });
const geoRows = async () => (await adminQuery<{ n: number }>('SELECT count(*)::int AS n FROM geo_predictions', [], tdb.name))[0]!.n;

/** Holds an ACCESS EXCLUSIVE lock on geo_predictions until release() (a long migration, a stuck admin). */
async function lockGeoPredictions(): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: tdb.url, application_name: 'test-locker' });
  client.on('error', () => undefined); // terminated by drop() if a test failed half-way
  await client.connect();
  await client.query('BEGIN');
  await client.query('LOCK TABLE geo_predictions IN ACCESS EXCLUSIVE MODE');
  return {
    release: async () => {
      await client.query('COMMIT');
      await client.end();
    },
  };
}

const waitingOnLock = () =>
  eventually(
    () => adminQuery<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'", [tdb.applicationName]),
    (rows) => rows[0]!.n > 0,
  );

/** Points the handlers' shared database at another URL (the next request opens it). */
async function useDatabaseUrl(url: string): Promise<void> {
  await api.closeSharedDatabase();
  process.env.DATABASE_URL = url;
}

beforeAll(async () => {
  tdb = await createTestDatabase('api_faults');
  Object.assign(process.env, {
    DATABASE_URL: tdb.url,
    DB_APPLICATION_NAME: tdb.applicationName,
    ADMIN_TOKEN: ADMIN,
    VALIDATOR_HOTKEY: TEST_VALIDATOR.address,
    // One connection and a short queue: a second request finds the pool exhausted quickly.
    DB_POOL_MAX: '1',
    DB_ACQUIRE_TIMEOUT_MS: '300',
  });
  api = await import('../../lib/api');
  const { migrate } = await import('../../lib/db');
  await migrate(api.sharedDatabase(), { migrationsFolder: 'drizzle' });
  h = await loadRouteHandlers();
  const sync = await invoke(h['PUT /miners']!, 'PUT /miners', { json: { miners: [{ uid: 40, hotkey: miner }] }, token: ADMIN });
  expect(sync.status).toBe(200);
  hour = await openGeoHour(60_000);
});

afterAll(async () => {
  await api?.closeSharedDatabase();
  await tdb?.drop();
});

describe('database faults', () => {
  it('pool exhausted: 503 with Retry-After while the only connection waits on a lock; the waiting write then lands', async () => {
    // Prepare: the first request takes the only connection and blocks on the lock.
    const lock = await lockGeoPredictions();
    const first = predict();
    await waitingOnLock();
    // Act
    const second = await invoke(h['GET /miners']!, 'GET /miners');
    await lock.release();
    const firstRes = await first;
    // Assess
    expect(second.status).toBe(503);
    expect(second.headers['retry-after']).toMatch(/^\d+$/);
    expect(second.json.error.code).toBe('UNAVAILABLE');
    expect(firstRes.status).toBe(201);
    expect(await geoRows()).toBe(1);
  });

  it('deadline: 504 when the invocation runs out of time behind a lock; nothing written, nothing left open', async () => {
    // Prepare: 1.5 s left and a 1 s margin leave the session 0.5 s.
    const before = await geoRows();
    const lock = await lockGeoPredictions();
    // Act
    const res = await predict(1_500);
    await lock.release();
    // Assess
    expect(res.status).toBe(504);
    expect(res.json.error.code).toBe('TIMEOUT');
    expect(await geoRows()).toBe(before);
    const left = await eventually(() => tdb.connections(), (rows) => rows.every((r) => r.state === 'idle'));
    expect(left.filter((r) => r.state !== 'idle')).toEqual([]);
  });

  it('connection refused: 503 with Retry-After, and the message says nothing of the address', async () => {
    // Prepare: a port where nothing listens.
    await useDatabaseUrl('postgres://postgres@127.0.0.1:1/nowhere');
    try {
      // Act
      const res = await invoke(h['GET /miners']!, 'GET /miners');
      // Assess
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBeDefined();
      expect(JSON.stringify(res.json)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|nowhere/);
    } finally {
      await useDatabaseUrl(tdb.url);
    }
  });

  it('too many connections (SQLSTATE 53300): 503 with Retry-After', async () => {
    // Prepare: a role that may not open any connection.
    const role = randomName('nolimit');
    await adminQuery(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 0`);
    await useDatabaseUrl(`postgres://${role}@127.0.0.1:${new URL(tdb.url).port}/${tdb.name}`);
    try {
      // Act
      const res = await invoke(h['GET /miners']!, 'GET /miners');
      // Assess
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBeDefined();
    } finally {
      await useDatabaseUrl(tdb.url);
      await adminQuery(`DROP ROLE ${role}`);
    }
  });

  it('after the faults the same handlers serve again', async () => {
    const res = await invoke(h['GET /miners']!, 'GET /miners');
    expect(res.status).toBe(200);
    expect(res.json.miners).toHaveLength(1);
  });
});
