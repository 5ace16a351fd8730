// neon-ws: the layer's transaction contract over Neon's WebSocket driver (local wsproxy -> PostgreSQL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNeonWsProxy, type NeonWsProxy } from '../../dev/peers/neon-ws-proxy';
import { ConstraintViolationError, StatementTimeoutError, type Database } from '../../lib/db';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/postgres';
import { failure, neonWsDatabase } from './helpers';

let tdb: TestDatabase;
let proxy: NeonWsProxy;
let db: Database;

beforeAll(async () => {
  tdb = await createTestDatabase('neonws_tx');
  proxy = await startNeonWsProxy();
  await adminQuery('CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)', [], tdb.name);
  // One connection: every statement below runs on the same WebSocket, so leftovers would show.
  db = neonWsDatabase(tdb, proxy, { poolMax: 1, statementTimeoutMs: 4_000, lockTimeoutMs: 1_000 });
});

afterAll(async () => {
  await db?.close();
  await proxy?.close();
  await tdb?.drop();
});

describe('neon-ws transactions', () => {
  it('commits on resolve, rolls back on throw, and nests as savepoints', async () => {
    // Act
    await db.session((s) => s.transaction((tx) => tx.query('INSERT INTO items VALUES (1, $1)', ['kept'])));
    const thrown = await failure(
      db.session((s) =>
        s.transaction(async (tx) => {
          await tx.query('INSERT INTO items VALUES (2, $1)', ['lost']);
          throw new Error('boom');
        }),
      ),
    );
    await db.session((s) =>
      s.transaction(async (tx) => {
        await tx.query('INSERT INTO items VALUES (3, $1)', ['outer']);
        await tx.transaction((inner) => inner.query('INSERT INTO items VALUES (4, $1)', ['inner'])).catch(() => undefined);
        await failure(tx.transaction(async (inner) => {
          await inner.query('INSERT INTO items VALUES (5, $1)', ['undone']);
          throw new Error('inner');
        }));
      }),
    );

    // Assess
    expect((thrown as Error).message).toBe('boom');
    const rows = await adminQuery<{ id: number }>('SELECT id FROM items ORDER BY id', [], tdb.name);
    expect(rows.map((r) => r.id)).toEqual([1, 3, 4]);
  });

  it('applies the transaction timeouts with SET LOCAL and leaves nothing on the connection', async () => {
    // Act
    const inside = await db.session((s) =>
      s.transaction(async (tx) => (await tx.query<{ statement_timeout: string; lock_timeout: string }>('SELECT current_setting($1) AS statement_timeout, current_setting($2) AS lock_timeout', ['statement_timeout', 'lock_timeout'])).rows[0]!, { timeoutMs: 2_000 }),
    );
    const after = await db.session(async (s) => (await s.query<{ statement_timeout: string }>('SHOW statement_timeout')).rows[0]!);

    // Assess: clamped to the 2 s transaction, then back to the session default sent at startup (direct profile).
    expect(toMs(inside.statement_timeout)).toBeLessThanOrEqual(2_000);
    expect(toMs(inside.lock_timeout)).toBe(1_000);
    expect(toMs(after.statement_timeout)).toBe(4_000);
  });

  it('keeps the SQLSTATE of server errors and the server-side statement timeout', async () => {
    // Prepare
    await adminQuery('INSERT INTO items VALUES (10, $1)', ['taken'], tdb.name);

    // Act
    const duplicate = await failure(db.session((s) => s.transaction((tx) => tx.query('INSERT INTO items VALUES (10, $1)', ['again']))));
    const strict = neonWsDatabase(tdb, proxy, { poolMax: 1, statementTimeoutMs: 300, lockTimeoutMs: 300 });
    const slow = await failure(strict.session((s) => s.transaction((tx) => tx.query('SELECT pg_sleep(10)'))));
    await strict.close();

    // Assess
    expect(duplicate).toBeInstanceOf(ConstraintViolationError);
    expect((duplicate as ConstraintViolationError).sqlstate).toBe('23505');
    expect((duplicate as ConstraintViolationError).constraint).toBe('items_pkey');
    expect(slow).toBeInstanceOf(StatementTimeoutError);
    expect((slow as StatementTimeoutError).sqlstate).toBe('57014');
  });
});

function toMs(setting: string): number {
  const m = /^(\d+)(ms|s|min)?$/.exec(setting);
  if (!m) throw new Error(`unexpected setting ${setting}`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : m[2] === 'min' ? 60_000 : 1);
}
