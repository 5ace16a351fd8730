// data-api: interactive transactions by transactionId, with the layer's options and limits; no savepoints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDataApiEndpoint, type DataApiEndpoint } from '../../dev/peers/data-api-endpoint';
import { UnsupportedError, type Database } from '../../lib/db';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/postgres';
import { dataApiDatabase, failure } from './helpers';

let tdb: TestDatabase;
let endpoint: DataApiEndpoint;
let db: Database;

beforeAll(async () => {
  tdb = await createTestDatabase('dataapi_tx');
  endpoint = await startDataApiEndpoint();
  await adminQuery('CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)', [], tdb.name);
  db = dataApiDatabase(tdb, endpoint, { statementTimeoutMs: 4_000, lockTimeoutMs: 1_500, idleInTransactionTimeoutMs: 5_000 });
});

afterAll(async () => {
  await db?.close();
  await endpoint?.close();
  await tdb?.drop();
});

const ids = async () => (await adminQuery<{ id: number }>('SELECT id FROM items ORDER BY id', [], tdb.name)).map((r) => r.id);

describe('data-api transactions', () => {
  it('commits on resolve and rolls back on throw', async () => {
    // Act
    await db.session((s) =>
      s.transaction(async (tx) => {
        await tx.query('INSERT INTO items VALUES ($1, $2)', [1, 'kept']);
        await tx.query('INSERT INTO items VALUES ($1, $2)', [2, 'kept too']);
      }),
    );
    const thrown = await failure(
      db.session((s) =>
        s.transaction(async (tx) => {
          await tx.query('INSERT INTO items VALUES ($1, $2)', [3, 'lost']);
          throw new Error('boom');
        }),
      ),
    );

    // Assess
    expect((thrown as Error).message).toBe('boom');
    expect(await ids()).toEqual([1, 2]);
  });

  it('starts the transaction with its isolation, read-only mode and transaction-local timeouts', async () => {
    // Act
    const settings = await db.session((s) =>
      s.transaction(
        async (tx) =>
          (
            await tx.query<Record<string, string>>(
              "SELECT current_setting('transaction_isolation') AS iso, current_setting('transaction_read_only') AS ro, current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt, current_setting('idle_in_transaction_session_timeout') AS it",
            )
          ).rows[0]!,
        { isolation: 'serializable', readOnly: true, timeoutMs: 3_000 },
      ),
    );
    const outside = await db.session((s) => s.query<{ st: string }>("SELECT current_setting('statement_timeout') AS st"));

    // Assess: every limit clamped to the 3 s transaction, none left on the service's connection afterwards.
    expect(settings.iso).toBe('serializable');
    expect(settings.ro).toBe('on');
    expect(parseMs(settings.st!)).toBeLessThanOrEqual(3_000);
    expect(parseMs(settings.lt!)).toBe(1_500);
    expect(parseMs(settings.it!)).toBeLessThanOrEqual(3_000);
    expect(outside.rows[0]!.st).toBe('0');
  });

  it('refuses nested transactions (no savepoints) and rolls the outer one back', async () => {
    // Prepare
    const before = await ids();

    // Act
    const error = await failure(
      db.session((s) =>
        s.transaction(async (tx) => {
          await tx.query('INSERT INTO items VALUES ($1, $2)', [40, 'outer']);
          await tx.transaction((inner) => inner.query('INSERT INTO items VALUES ($1, $2)', [41, 'inner']));
        }),
      ),
    );

    // Assess
    expect(error).toBeInstanceOf(UnsupportedError);
    expect((error as Error).message).toContain('no savepoints');
    expect(await ids()).toEqual(before);
  });

  it('serializes statements a callback fires at once (the service runs one at a time per transaction)', async () => {
    // Act
    const rows = await db.session((s) =>
      s.transaction(async (tx) => {
        const inserts = [50, 51, 52, 53, 54].map((id) => tx.query('INSERT INTO items VALUES ($1, $2) RETURNING id', [id, 'parallel']));
        return (await Promise.all(inserts)).map((r) => (r.rows[0] as { id: number }).id);
      }),
    );

    // Assess
    expect(rows).toEqual([50, 51, 52, 53, 54]);
    expect(await ids()).toEqual(expect.arrayContaining([50, 51, 52, 53, 54]));
  });
});

function parseMs(setting: string): number {
  const m = /^(\d+)(ms|s)?$/.exec(setting);
  if (!m) throw new Error(`unexpected setting ${setting}`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}
