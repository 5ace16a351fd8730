// PgBouncer: a statement stopped by the client guard is cancelled on the server. Behind a pooler the cancel key
// maps to the client connection, so the connection must stay open until the cancel has been delivered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StatementTimeoutError, type Database } from '../../lib/db';
import { adminQuery, createTestDatabase, eventually, type TestDatabase } from '../support/postgres';
import { failure, pgDatabase, requireBouncer, tryStartBouncer, type Bouncer } from './helpers';

let tdb: TestDatabase;
let bouncer: Bouncer | undefined;
let unavailable: string | undefined;
let db: Database;

beforeAll(async () => {
  tdb = await createTestDatabase('bouncer_cancel');
  ({ bouncer, unavailable } = await tryStartBouncer());
  // No startup parameters behind a pooler: a session-level read is stopped by the client guard alone.
  if (bouncer) db = pgDatabase(bouncer.url(tdb.name), tdb.applicationName, { proxyProfile: 'pgbouncer', statementTimeoutMs: 400, lockTimeoutMs: 400 });
});

afterAll(async () => {
  await db?.close();
  await bouncer?.stop();
  await tdb?.drop();
});

const sleeping = () =>
  adminQuery<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND query LIKE 'SELECT pg_sleep%'",
    [tdb.name],
  );

describe('pgbouncer cancel', () => {
  it('cancels the running statement on the server through the pooler', async (context) => {
    requireBouncer(context, unavailable);
    // Act
    const error = await failure(db.session((s) => s.query('SELECT pg_sleep(30)')));
    const left = await eventually(sleeping, (rows) => rows[0]!.n === 0, 5_000);
    const after = await db.session((s) => s.query<{ n: number }>('SELECT 1 AS n'));

    // Assess: without the cancel the server would sleep on for 30 s; the pooler still serves afterwards.
    expect(error).toBeInstanceOf(StatementTimeoutError);
    expect(left[0]!.n).toBe(0);
    expect(after.rows).toEqual([{ n: 1 }]);
  });
});
