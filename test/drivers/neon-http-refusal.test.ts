// neon-http cannot run interactive transactions: refused at configuration time unless the code declares it only
// writes in batches; the declaration is enforced on every driver, so a step tested on pg behaves the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNeonHttpEndpoint, type NeonHttpEndpoint } from '../../dev/peers/neon-http-endpoint';
import { ConfigError, createDatabase, UnsupportedError } from '../../lib/db';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { failure, neonHttpDatabase, pgDatabase } from './helpers';

let tdb: TestDatabase;
let endpoint: NeonHttpEndpoint;

beforeAll(async () => {
  tdb = await createTestDatabase('neonhttp_refusal');
  endpoint = await startNeonHttpEndpoint();
});

afterAll(async () => {
  await endpoint?.close();
  await tdb?.drop();
});

describe('neon-http refusals', () => {
  it('refuses the driver at configuration time without transactions: batch-only', () => {
    // Act
    const byArgument = (() => {
      try {
        createDatabase({ url: tdb.url, driver: 'neon-http', env: {} });
      } catch (err) {
        return err;
      }
    })();
    const byEnvironment = (() => {
      try {
        createDatabase({ env: { DATABASE_URL: tdb.url, DB_DRIVER: 'neon-http' } });
      } catch (err) {
        return err;
      }
    })();

    // Assess
    expect(byArgument).toBeInstanceOf(ConfigError);
    expect((byArgument as Error).message).toContain('DB_TRANSACTIONS=batch-only');
    expect(byEnvironment).toBeInstanceOf(ConfigError);
    expect(createDatabase({ env: { DATABASE_URL: tdb.url, DB_DRIVER: 'neon-http', DB_TRANSACTIONS: 'batch-only' } }).driverName).toBe('neon-http');
  });

  it('refuses session.transaction on neon-http without sending anything', async () => {
    // Prepare
    const db = neonHttpDatabase(tdb, endpoint);
    const before = endpoint.requests();

    // Act
    const error = await failure(db.session((s) => s.transaction((tx) => tx.query('SELECT 1'))));
    await db.close();

    // Assess
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as Error).message).toContain('session.batch()');
    expect(endpoint.requests()).toBe(before);
  });

  it('enforces batch-only on pg too, where session.batch runs as a transaction', async () => {
    // Prepare
    const db = pgDatabase(tdb.url, tdb.applicationName, { transactions: 'batch-only' });

    // Act
    const refused = await failure(db.session((s) => s.transaction((tx) => tx.query('SELECT 1'))));
    const results = await db.session((s) => s.batch<{ n: number }>([{ text: 'SELECT $1::int AS n', params: [7] }, { text: 'SELECT 8 AS n' }]));
    await db.close();

    // Assess
    expect(refused).toBeInstanceOf(UnsupportedError);
    expect(results.map((r) => r.rows[0]!.n)).toEqual([7, 8]);
  });
});
