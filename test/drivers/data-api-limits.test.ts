// data-api: the service's limits surface as typed errors (and the request limit is checked before sending).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataApiEndpoint, type DataApiEndpoint } from '../../dev/peers/data-api-endpoint';
import { IdleInTransactionTimeoutError, LimitExceededError, loadConfig, StatementTimeoutError, type Database } from '../../lib/db';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/postgres';
import { DATA_API_ARNS, dataApiDatabase, failure } from './helpers';

let tdb: TestDatabase;
let endpoint: DataApiEndpoint;
let limited: DataApiEndpoint;
let db: Database;

beforeAll(async () => {
  tdb = await createTestDatabase('dataapi_limits');
  endpoint = await startDataApiEndpoint();
  // The service's limits scaled down: 300 ms per statement and per idle transaction, 4 KiB of result.
  limited = await startDataApiEndpoint({ statementTimeoutMs: 300, transactionIdleMs: 300, maxResultBytes: 4096 });
  await adminQuery('CREATE TABLE items (id int PRIMARY KEY)', [], tdb.name);
  db = dataApiDatabase(tdb, endpoint);
});

afterAll(async () => {
  await db?.close();
  await endpoint?.close();
  await limited?.close();
  await tdb?.drop();
});

describe('data-api limits', () => {
  it('reports a result over the response limit as LimitExceededError', async () => {
    // Prepare
    const small = dataApiDatabase(tdb, limited);

    // Act
    const error = await failure(small.session((s) => s.query("SELECT repeat('x', 10000) AS big")));
    await small.close();

    // Assess
    expect(error).toBeInstanceOf(LimitExceededError);
  });

  it('refuses a request over 4 MiB before sending it', async () => {
    // Prepare
    const before = endpoint.requests();

    // Act
    const error = await failure(db.session((s) => s.query('SELECT length($1) AS n', ['x'.repeat(4 * 1024 * 1024)])));

    // Assess
    expect(error).toBeInstanceOf(LimitExceededError);
    expect(endpoint.requests()).toBe(before);
  });

  it('sends a request under 4 MiB that only a worst-case estimate would put over it', async () => {
    // Act: 1 MiB of text (6 MiB if every character needed a JSON escape), measured exactly before sending.
    const res = await db.session((s) => s.query<{ n: number }>('SELECT length($1) AS n', ['x'.repeat(1024 * 1024)]));

    // Assess
    expect(res.rows).toEqual([{ n: 1024 * 1024 }]);
  });

  it("reports the service's statement limit as StatementTimeoutError and clamps the configured limit to 45 s", async () => {
    // Prepare
    const small = dataApiDatabase(tdb, limited, { statementTimeoutMs: 5_000 });
    const config = loadConfig({ driver: 'data-api', ...DATA_API_ARNS, dataApiDatabase: 'db', statementTimeoutMs: 60_000, lockTimeoutMs: 50_000, transactionTimeoutMs: 90_000, sessionTimeoutMs: 120_000 }, {});

    // Act
    const error = await failure(small.session((s) => s.query('SELECT pg_sleep(5)')));
    await small.close();

    // Assess
    expect(error).toBeInstanceOf(StatementTimeoutError);
    expect(config.statementTimeoutMs).toBe(45_000);
    expect(config.lockTimeoutMs).toBe(45_000);
  });

  it('reports a transaction the service forgot (idle past its expiry) as IdleInTransactionTimeoutError', async () => {
    // Prepare: the driver told the same expiry as the endpoint.
    const small = dataApiDatabase(tdb, limited, { dataApiTransactionExpiryMs: 300 });

    // Act
    const error = await failure(
      small.session((s) =>
        s.transaction(async (tx) => {
          await tx.query('INSERT INTO items VALUES ($1)', [1]);
          await new Promise((resolve) => setTimeout(resolve, 600));
          await tx.query('INSERT INTO items VALUES ($1)', [2]);
        }),
      ),
    );
    const next = await small.session((s) => s.transaction((tx) => tx.query<{ n: number }>('SELECT count(*)::int AS n FROM items')));
    await small.close();

    // Assess: nothing was committed, and the next transaction works.
    expect(error).toBeInstanceOf(IdleInTransactionTimeoutError);
    expect(next.rows).toEqual([{ n: 0 }]);
  });
});
