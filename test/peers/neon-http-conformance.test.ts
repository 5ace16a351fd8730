// What Neon's SQL-over-HTTP proxy does with a request's connection (proxy/src/serverless/sql_over_http.rs:
// QueryData::process discards a connection that is not idle after the query, or that failed; a client that
// disconnects has its query cancelled), replayed against the local endpoint with the real neon() driver.
import { neon, neonConfig } from '@neondatabase/serverless';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEON_HTTP_APPLICATION_NAME, startNeonHttpEndpoint, type NeonHttpEndpoint } from '../../dev/peers/neon-http-endpoint';
import { adminQuery, createTestDatabase, eventually, type TestDatabase } from '../support/postgres';

let db: TestDatabase;
let endpoint: NeonHttpEndpoint;
let connectionString: string;

/** The endpoint's backends on the test database, with their state and query. */
const backends = () =>
  adminQuery<{ state: string | null; query: string }>('SELECT state, query FROM pg_stat_activity WHERE datname = $1 AND application_name = $2', [
    db.name,
    NEON_HTTP_APPLICATION_NAME,
  ]);

beforeAll(async () => {
  db = await createTestDatabase('neonhttp_conf');
  endpoint = await startNeonHttpEndpoint();
  neonConfig.fetchEndpoint = endpoint.url;
  connectionString = `postgresql://postgres:any@127.0.0.1:5432/${db.name}`;
  await adminQuery('CREATE TABLE items (id int PRIMARY KEY)', [], db.name);
});

afterAll(async () => {
  await endpoint?.close();
  await db?.drop();
});

describe('neon http conformance', () => {
  it('runs every request on a clean connection: BEGIN / INSERT / ROLLBACK as three requests keep the insert', async () => {
    // Prepare
    const sql = neon(connectionString);

    // Act
    await sql.query('BEGIN');
    await sql.query('INSERT INTO items VALUES (1)');
    const seenByOthers = await adminQuery('SELECT id FROM items', [], db.name);
    await sql.query('ROLLBACK').catch(() => undefined); // "no transaction in progress" is only a warning
    const states = (await backends()).map((b) => b.state);

    // Assess
    expect(seenByOthers).toEqual([{ id: 1 }]);
    expect(await adminQuery('SELECT id FROM items', [], db.name)).toEqual([{ id: 1 }]);
    expect(states.filter((s) => s?.startsWith('idle in transaction'))).toEqual([]);
  });

  it('cancels the running query when the client disconnects', async () => {
    // Prepare
    const sql = neon(connectionString);
    const controller = new AbortController();
    const running = sql.query('SELECT pg_sleep(30)', [], { fetchOptions: { signal: controller.signal } }).catch((e: unknown) => e);
    await eventually(backends, (rows) => rows.some((b) => b.state === 'active' && b.query.includes('pg_sleep(30)')));

    // Act
    controller.abort();
    await running;
    const after = await eventually(backends, (rows) => !rows.some((b) => b.state === 'active' && b.query.includes('pg_sleep(30)')), 10_000);

    // Assess: long before the sleep would have ended, it is no longer running.
    expect(after.filter((b) => b.state === 'active' && b.query.includes('pg_sleep(30)'))).toEqual([]);
  });
});
