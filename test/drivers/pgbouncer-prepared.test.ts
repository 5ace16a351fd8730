// PgBouncer (transaction pooling): 400 concurrent statements from 20 clients never collide on server-side
// prepared statements (the layer only uses the unnamed statement behind a pooler).
import { eq, sql } from 'drizzle-orm';
import { integer, pgTable, text } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../lib/db';
import { adminQuery, createTestDatabase, type TestDatabase } from '../support/postgres';
import { pgDatabase, requireBouncer, tryStartBouncer, type Bouncer } from './helpers';

const items = pgTable('items', { id: integer('id').primaryKey(), name: text('name').notNull() });

let tdb: TestDatabase;
let bouncer: Bouncer | undefined;
let unavailable: string | undefined;
let db: Database;

beforeAll(async () => {
  tdb = await createTestDatabase('bouncer_prep');
  await adminQuery('CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL)', [], tdb.name);
  await adminQuery("INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 50) g", [], tdb.name);
  ({ bouncer, unavailable } = await tryStartBouncer());
  if (bouncer) db = pgDatabase(bouncer.url(tdb.name), tdb.applicationName, { proxyProfile: 'pgbouncer', poolMax: 20, acquireTimeoutMs: 30_000 });
});

afterAll(async () => {
  await db?.close();
  await bouncer?.stop();
  await tdb?.drop();
});

describe('pgbouncer prepared statements', () => {
  it('runs 400 concurrent statements on 20 clients without a prepared-statement collision', async (context) => {
    requireBouncer(context, unavailable);
    // Act: the same few statement texts over and over, raw, through drizzle, and inside transactions.
    const work = Array.from({ length: 400 }, (_, i) => {
      const id = (i % 50) + 1;
      return db.session(async (s) => {
        if (i % 4 === 0) return (await s.query<{ name: string }>('SELECT name FROM items WHERE id = $1', [id])).rows[0]!.name;
        if (i % 4 === 1) return (await s.db.select({ name: items.name }).from(items).where(eq(items.id, id)))[0]!.name;
        if (i % 4 === 2) return s.transaction(async (tx) => (await tx.query<{ name: string }>('SELECT name FROM items WHERE id = $1', [id])).rows[0]!.name);
        return s.transaction(async (tx) => (await tx.db.select({ name: items.name }).from(items).where(sql`${items.id} = ${id}`))[0]!.name);
      });
    });
    const results = await Promise.allSettled(work);

    // Assess
    const failures = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    expect(failures).toEqual([]);
    expect(results.map((r) => (r as PromiseFulfilledResult<string>).value)).toEqual(Array.from({ length: 400 }, (_, i) => `n${(i % 50) + 1}`));
    expect(db.stats().pool.created).toBe(20);
  });
});
