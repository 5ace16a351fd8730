// data-api: an Aurora database resuming from auto-pause (DatabaseResumingException) is waited for with capped
// backoff within the connect budget; past it the caller gets a typed, retryable connection error.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataApiEndpoint, type DataApiEndpoint } from '../../dev/peers/data-api-endpoint';
import { ConnectionFailedError, type Database } from '../../lib/db';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { dataApiDatabase, failure } from './helpers';

let tdb: TestDatabase;
let endpoint: DataApiEndpoint;
let db: Database;

beforeAll(async () => {
  tdb = await createTestDatabase('dataapi_resume');
  endpoint = await startDataApiEndpoint();
  db = dataApiDatabase(tdb, endpoint, { connectTimeoutMs: 1_500 });
  await db.session((s) => s.query('SELECT 1')); // the SDK is loaded before the timed cases
});

afterAll(async () => {
  await db?.close();
  await endpoint?.close();
  await tdb?.drop();
});

describe('data-api resume', () => {
  it('waits for a resuming database and then succeeds', async () => {
    // Prepare
    endpoint.resumingFor(600);
    const before = endpoint.requests();

    // Act
    const result = await db.session((s) => s.transaction((tx) => tx.query<{ n: number }>('SELECT 1 AS n')));

    // Assess: refused at least once, then answered.
    expect(result.rows).toEqual([{ n: 1 }]);
    expect(endpoint.requests() - before).toBeGreaterThan(4);
  });

  it('gives up after the connect budget with a retryable ConnectionFailedError', async () => {
    // Prepare
    endpoint.resumingFor(10_000);

    // Act
    const error = await failure(db.session((s) => s.query('SELECT 1')));
    endpoint.resumingFor(0);

    // Assess
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect((error as ConnectionFailedError).retryable).toBe(true);
    expect((error as Error).message).toContain('resuming');
  });
});
