// PgBouncer (transaction pooling): a timeout set for one transaction (SET LOCAL in its BEGIN) is never seen by
// another client's transaction or read on the same server connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../lib/db';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { pgDatabase, requireBouncer, tryStartBouncer, type Bouncer } from './helpers';

let tdb: TestDatabase;
let bouncer: Bouncer | undefined;
let unavailable: string | undefined;
const dbs: Database[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase('bouncer_iso');
  ({ bouncer, unavailable } = await tryStartBouncer());
});

afterAll(async () => {
  await Promise.all(dbs.map((d) => d.close()));
  await bouncer?.stop();
  await tdb?.drop();
});

/** A client of its own (one connection to PgBouncer) with a lock timeout nobody else uses. */
function client(lockTimeoutMs: number): Database {
  const db = pgDatabase(bouncer!.url(tdb.name), tdb.applicationName, { proxyProfile: 'pgbouncer', poolMax: 1, lockTimeoutMs, acquireTimeoutMs: 30_000 });
  dbs.push(db);
  return db;
}

type Seen = { pid: number; lock: string };
const inTransaction = (db: Database) =>
  db.session((s) => s.transaction(async (tx) => (await tx.query<Seen>("SELECT pg_backend_pid() AS pid, current_setting('lock_timeout') AS lock")).rows[0]!));
const outside = (db: Database) => db.session(async (s) => (await s.query<Seen>("SELECT pg_backend_pid() AS pid, current_setting('lock_timeout') AS lock")).rows[0]!);

describe('pgbouncer timeout isolation', () => {
  it("does not show one client's transaction timeout to the next client on the same server connection", async (context) => {
    requireBouncer(context, unavailable);
    // Prepare
    const a = client(1_234);
    const b = client(2_345);

    // Act: one after the other, so PgBouncer hands B the server connection A just used.
    const seenByA = await inTransaction(a);
    const seenByB = await inTransaction(b);
    const readByB = await outside(b);

    // Assess
    expect(seenByB.pid).toBe(seenByA.pid);
    expect(readByB.pid).toBe(seenByA.pid);
    expect(seenByA.lock).toBe('1234ms');
    expect(seenByB.lock).toBe('2345ms');
    expect(readByB.lock).toBe('0');
  });

  it('keeps every concurrent transaction on its own settings while server connections are shared', async (context) => {
    requireBouncer(context, unavailable);
    // Prepare: 30 clients for PgBouncer's 20 server connections, so some server connections serve several clients.
    const clients = Array.from({ length: 30 }, (_, i) => ({ lockMs: 3_001 + i, db: client(3_001 + i) }));

    // Act: 10 transactions per client, all at once.
    const runs = await Promise.all(
      clients.flatMap(({ lockMs, db }) => Array.from({ length: 10 }, async () => ({ lockMs, seen: await inTransaction(db) }))),
    );

    // Assess
    const wrong = runs.filter((r) => r.seen.lock !== `${r.lockMs}ms`);
    expect(wrong).toEqual([]);
    const clientsByPid = new Map<number, Set<number>>();
    for (const r of runs) clientsByPid.set(r.seen.pid, (clientsByPid.get(r.seen.pid) ?? new Set()).add(r.lockMs));
    expect(Math.max(...[...clientsByPid.values()].map((s) => s.size))).toBeGreaterThan(1);
  });
});
