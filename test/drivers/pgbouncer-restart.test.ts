// PgBouncer restarted mid-run (scripts/pgbouncer.sh restart): the next session succeeds on new connections.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../lib/db';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { pgDatabase, requireBouncer, tryStartBouncer, type Bouncer } from './helpers';

let tdb: TestDatabase;
let bouncer: Bouncer | undefined;
let unavailable: string | undefined;
let db: Database;

beforeAll(async () => {
  tdb = await createTestDatabase('bouncer_restart');
  ({ bouncer, unavailable } = await tryStartBouncer());
  if (bouncer) db = pgDatabase(bouncer.url(tdb.name), tdb.applicationName, { proxyProfile: 'pgbouncer', poolMax: 2 });
});

afterAll(async () => {
  await db?.close();
  await bouncer?.stop();
  await tdb?.drop();
});

const write = (d: Database, n: number) =>
  d.session((s) => s.transaction(async (tx) => (await tx.query<{ n: number }>('SELECT $1::int AS n', [n])).rows[0]!.n));

describe('pgbouncer restart', () => {
  it('serves the next session after a restart, reads and transactions alike', async (context) => {
    requireBouncer(context, unavailable);
    // Prepare: both pooled connections warm.
    await Promise.all([write(db, 1), write(db, 2)]);
    const created = db.stats().pool.created;

    // Act
    await bouncer!.restart();
    const read = await db.session(async (s) => (await s.query<{ n: number }>('SELECT 3 AS n')).rows[0]!.n);
    const tx = await write(db, 4);

    // Assess
    expect(read).toBe(3);
    expect(tx).toBe(4);
    expect(db.stats().pool.created).toBeGreaterThan(created);
  });
});
