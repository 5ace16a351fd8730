// PgBouncer profile: no startup parameters (the pooler rejects them), and session state is refused unsent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionFailedError, UnsupportedError, type Database } from '../../lib/db';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { failure, pgDatabase, requireBouncer, tryStartBouncer, type Bouncer } from './helpers';

let tdb: TestDatabase;
let bouncer: Bouncer | undefined;
let unavailable: string | undefined;
let db: Database;

beforeAll(async () => {
  tdb = await createTestDatabase('bouncer_profile');
  ({ bouncer, unavailable } = await tryStartBouncer());
  if (bouncer) db = pgDatabase(bouncer.url(tdb.name), tdb.applicationName, { proxyProfile: 'pgbouncer', poolMax: 1 });
});

afterAll(async () => {
  await db?.close();
  await bouncer?.stop();
  await tdb?.drop();
});

describe('pgbouncer profile', () => {
  it('connects without startup parameters, where the direct profile is refused by the pooler', async (context) => {
    requireBouncer(context, unavailable);
    // Prepare
    const direct = pgDatabase(bouncer!.url(tdb.name), tdb.applicationName, { proxyProfile: 'direct' });

    // Act
    const refused = await failure(direct.session((s) => s.query('SELECT 1')));
    await direct.close();
    const served = await db.session((s) => s.query<{ n: number }>('SELECT 1 AS n'));

    // Assess
    expect(refused).toBeInstanceOf(ConnectionFailedError);
    expect(served.rows).toEqual([{ n: 1 }]);
  });

  it('refuses session-level SET and session advisory locks before sending them', async (context) => {
    requireBouncer(context, unavailable);
    // Act
    const set = await failure(db.session((s) => s.query('SET statement_timeout = 1')));
    const lock = await failure(db.session((s) => s.query('SELECT pg_advisory_lock(1)')));
    const after = await db.session((s) => s.query<{ st: string }>("SELECT current_setting('statement_timeout') AS st"));
    const xactLock = await db.session((s) => s.transaction((tx) => tx.query('SELECT pg_advisory_xact_lock(1)')));

    // Assess
    expect(set).toBeInstanceOf(UnsupportedError);
    expect((set as Error).message).toContain('SET LOCAL');
    expect(lock).toBeInstanceOf(UnsupportedError);
    expect(after.rows[0]!.st).toBe('0');
    expect(xactLock.rowCount).toBe(1);
  });
});
