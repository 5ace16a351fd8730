// The benchmarks' counting proxy: one ReadyForQuery per round trip, framing right across TCP chunks.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCountingProxy, type CountingProxy } from '../support/counting-proxy';
import { createTestDatabase, PG_HOST, PG_PORT, type TestDatabase } from '../support/postgres';

describe('counting proxy', () => {
  let tdb: TestDatabase;
  let proxy: CountingProxy;
  beforeAll(async () => {
    tdb = await createTestDatabase('bench_proxy');
    proxy = await startCountingProxy({ host: PG_HOST, port: PG_PORT });
  });
  afterAll(async () => {
    await proxy.close();
    await tdb.drop();
  });

  it('counts one round trip per simple, extended and multi-statement query, and for a reply larger than a TCP read', async () => {
    // Prepare
    const client = new pg.Client({ connectionString: proxy.route(tdb.url), application_name: tdb.applicationName });
    await client.connect();
    const afterStartup = proxy.readyForQuery;
    const completesBefore = proxy.serverMessages('C');

    // Act
    try {
      await client.query('SELECT 1'); // simple protocol
      await client.query('SELECT $1::int AS n', [1]); // extended: Parse/Bind/Describe/Execute/Sync
      await client.query('SELECT 1; SELECT 2'); // two statements in one message
      await client.query('SELECT repeat($1, 300000) AS big', ['x']); // one row spanning several TCP reads
    } finally {
      await client.end();
    }

    // Assess
    expect(afterStartup).toBe(1); // the startup handshake ends with one ReadyForQuery
    expect(proxy.readyForQuery - afterStartup).toBe(4);
    expect(proxy.serverMessages('C') - completesBefore).toBe(5);
    expect(proxy.connections).toBe(1);
  });
});
