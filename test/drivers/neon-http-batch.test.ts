// neon-http writes: session.batch is one HTTP request run as one transaction, with its timeouts and options.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNeonHttpEndpoint, type NeonHttpEndpoint } from '../../dev/peers/neon-http-endpoint';
import { ConstraintViolationError, QueryError, type Database } from '../../lib/db';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/postgres';
import { failure, neonHttpDatabase } from './helpers';

let tdb: TestDatabase;
let endpoint: NeonHttpEndpoint;
let db: Database;

beforeAll(async () => {
  tdb = await createTestDatabase('neonhttp_batch');
  endpoint = await startNeonHttpEndpoint();
  await adminQuery('CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)', [], tdb.name);
  db = neonHttpDatabase(tdb, endpoint, { statementTimeoutMs: 4_000, lockTimeoutMs: 1_500 });
});

afterAll(async () => {
  await db?.close();
  await endpoint?.close();
  await tdb?.drop();
});

describe('neon-http batch', () => {
  it('sends the whole batch as one HTTP request and returns results in order', async () => {
    // Prepare
    const before = endpoint.requests();

    // Act
    const results = await db.session((s) =>
      s.batch([
        { text: 'INSERT INTO items VALUES ($1, $2)', params: [1, 'a'] },
        { text: 'INSERT INTO items VALUES ($1, $2) RETURNING id', params: [2, 'b'] },
        { text: 'SELECT count(*)::int AS n FROM items' },
      ]),
    );

    // Assess
    expect(endpoint.requests() - before).toBe(1);
    expect(results.map((r) => r.rowCount)).toEqual([1, 1, 1]);
    expect(results[1]!.rows).toEqual([{ id: 2 }]);
    expect(results[2]!.rows).toEqual([{ n: 2 }]);
  });

  it('rolls the whole batch back when one statement fails, with the SQLSTATE kept', async () => {
    // Act
    const error = await failure(
      db.session((s) =>
        s.batch([
          { text: 'INSERT INTO items VALUES ($1, $2)', params: [10, 'new'] },
          { text: 'INSERT INTO items VALUES ($1, $2)', params: [10, 'duplicate'] },
        ]),
      ),
    );

    // Assess
    expect(error).toBeInstanceOf(ConstraintViolationError);
    expect((error as ConstraintViolationError).sqlstate).toBe('23505');
    expect(await adminQuery('SELECT id FROM items WHERE id = 10', [], tdb.name)).toEqual([]);
    expect(db.stats().layer.rollbacks).toBeGreaterThanOrEqual(1);
  });

  it('carries the transaction-local timeouts, isolation and read-only mode in the same request', async () => {
    // Act
    const [settings] = await db.session((s) =>
      s.batch<{ st: string; lt: string; iso: string; ro: string }>(
        [{ text: "SELECT current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt, current_setting('transaction_isolation') AS iso, current_setting('transaction_read_only') AS ro" }],
        { isolation: 'serializable', readOnly: true, timeoutMs: 3_000 },
      ),
    );
    const readOnlyWrite = await failure(db.session((s) => s.batch([{ text: 'INSERT INTO items VALUES (20, $1)', params: ['x'] }], { readOnly: true })));
    const later = await db.session((s) => s.query<{ st: string }>("SELECT current_setting('statement_timeout') AS st"));

    // Assess: limits clamped to the 3 s batch, gone afterwards (the endpoint's own session default is 0).
    expect(parseMs(settings!.rows[0]!.st)).toBeLessThanOrEqual(3_000);
    expect(parseMs(settings!.rows[0]!.lt)).toBe(1_500);
    expect(settings!.rows[0]!.iso).toBe('serializable');
    expect(settings!.rows[0]!.ro).toBe('on');
    expect(readOnlyWrite).toBeInstanceOf(QueryError);
    expect((readOnlyWrite as QueryError).sqlstate).toBe('25006');
    expect(later.rows[0]!.st).toBe('0');
  });
});

function parseMs(setting: string): number {
  const m = /^(\d+)(ms|s)?$/.exec(setting);
  if (!m) throw new Error(`unexpected setting ${setting}`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}
